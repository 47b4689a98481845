import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import * as tfl from "@tensorflow/tfjs-layers"
import { beforeAll, describe, expect, it } from "vitest"
import { bimAttack, deepFoolAttack } from "../../src/models/adversarial.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

/** A softmax-regression model on 2-D inputs with the given weights. */
const linear = (kernel: Array<Array<number>>, bias: Array<number>) => {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: bias.length, activation: "softmax" })] })
  model.setWeights([tf.tensor2d(kernel), tf.tensor1d(bias)])
  return model
}
const points = tf.tensor2d([[1, 2], [-0.5, 0.3], [3, -1], [0.2, 0.1]])

describe("deepfool", () => {
  it("on a linear model flips every prediction in one step, at the distance to the boundary", () => {
    // logits z0 = 0, z1 = x + y − 1: the boundary is the line x + y = 1
    const model = linear([[0, 1], [0, 1]], [0, -1])
    const result = deepFoolAttack(model, points, 2, { overshoot: 0.02 })
    const xs = points.arraySync()
    xs.forEach(([x, y], i) => {
      expect(result.fooled[i]).toBe(1)
      expect(result.iterations[i]).toBe(1)
      const distance = (Math.abs(x + y - 1) + 1e-4) / Math.SQRT2
      expect(result.squaredNorm[i]).toBeCloseTo((1.02 * distance) ** 2, 4)
    })
  })

  it("terminates within its cap on a model that cannot be fooled", () => {
    const constant = linear([[0, 0, 0], [0, 0, 0]], [0.3, 0.1, -0.2]) // the same prediction everywhere
    const result = deepFoolAttack(constant, points, 3, { maxIterations: 7 })
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

describe("bim", () => {
  it("flips a linear model's predictions with ε-steps and reports ‖η‖²", () => {
    const model = linear([[0, 1], [0, 1]], [0, -1])
    const result = bimAttack(model, points, 2, { epsilon: 0.1, maxIterations: 100 })
    const xs = points.arraySync()
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
    const stuck = bimAttack(constant, points, 3, { maxIterations: 5 })
    for (let i = 0; i < 4; i++) expect([stuck.fooled[i], stuck.stuck[i], stuck.iterations[i]]).toEqual([0, 1, 0])
    const slow = bimAttack(linear([[0, 1], [0, 1]], [0, -1]), points, 2, { epsilon: 1e-6, maxIterations: 5 })
    for (let i = 0; i < 4; i++) expect([slow.fooled[i], slow.iterations[i]]).toEqual([0, 5])
  })
})
