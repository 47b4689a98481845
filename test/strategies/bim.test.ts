import { describe, expect, it } from "vitest"
import { bimAttack } from "../../src/models/adversarial.js"
import { linear, attackPoints } from "./fixtures.js"

describe("bim", () => {
  it("flips a linear model's predictions with ε-steps and reports ‖η‖²", () => {
    const model = linear([[0, 1], [0, 1]], [0, -1])
    const result = bimAttack(model, attackPoints, 2, { epsilon: 0.1, maxIterations: 100 })
    const xs = attackPoints.arraySync()
    xs.forEach(([x, y], i) => {
      expect(result.fooled[i]).toBe(1)
      // each step moves both coordinates by ε toward the line x + y = 1
      const steps = Math.ceil(Math.abs(x + y - 1) / 0.2 - 1e-6)
      expect(result.iterations[i]).toBeGreaterThanOrEqual(steps)
      expect(result.iterations[i]).toBeLessThanOrEqual(steps + 1)
      expect(result.squaredNorm[i]).toBeCloseTo(2 * (0.1 * result.iterations[i]) ** 2, 4)
    })
  })

  it("terminates within its cap on a model that cannot be fooled, and at the cap when steps are tiny", () => {
    const constant = linear([[0, 0, 0], [0, 0, 0]], [0.3, 0.1, -0.2])
    const stuck = bimAttack(constant, attackPoints, 3, { maxIterations: 5 })
    for (let i = 0; i < 4; i++) expect([stuck.fooled[i], stuck.stuck[i], stuck.iterations[i]]).toEqual([0, 1, 0])
    const slow = bimAttack(linear([[0, 1], [0, 1]], [0, -1]), attackPoints, 2, { epsilon: 1e-6, maxIterations: 5 })
    for (let i = 0; i < 4; i++) expect([slow.fooled[i], slow.iterations[i]]).toEqual([0, 5])
  })
})
