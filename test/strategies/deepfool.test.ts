import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { deepFoolAttack } from "../../src/models/adversarial.js"
import { linear, attackPoints } from "./fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("deepfool", () => {
  it("on a linear model flips every prediction in one step, at the distance to the boundary", () => {
    // logits z0 = 0, z1 = x + y − 1: the boundary is the line x + y = 1
    const model = linear([[0, 1], [0, 1]], [0, -1])
    const result = deepFoolAttack(model, attackPoints, 2, { overshoot: 0.02 })
    const xs = attackPoints.arraySync()
    xs.forEach(([x, y], i) => {
      expect(result.fooled[i]).toBe(1)
      expect(result.iterations[i]).toBe(1)
      const distance = (Math.abs(x + y - 1) + 1e-4) / Math.SQRT2
      expect(result.squaredNorm[i]).toBeCloseTo((1.02 * distance) ** 2, 4)
    })
  })

  it("terminates within its cap on a model that cannot be fooled", () => {
    const constant = linear([[0, 0, 0], [0, 0, 0]], [0.3, 0.1, -0.2]) // the same prediction everywhere
    const result = deepFoolAttack(constant, attackPoints, 3, { maxIterations: 7 })
    for (let i = 0; i < 4; i++) {
      expect(result.fooled[i]).toBe(0)
      expect(result.stuck[i]).toBe(1)
      expect(result.iterations[i]).toBeLessThanOrEqual(7)
    }
  })

  it("stops at maxIterations when each step is too short to cross", () => {
    // a saturating model: far from the boundary the log-probability gradient vanishes
    const model = linear([[50, -50], [0, 0]], [0, 0])
    const far = tf.tensor2d([[3, 0]])
    const result = deepFoolAttack(model, far, 2, { maxIterations: 3 })
    expect(result.iterations[0]).toBeLessThanOrEqual(3)
  })
})
