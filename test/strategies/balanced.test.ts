import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { findStrategy } from "../../src/strategies/catalogue.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("balanced", () => {
  // probabilities: candidates 0–3 predicted class 0 (the four most uncertain), 4–5 class 1
  const probabilities = () => tf.tensor2d([[0.5, 0.5], [0.52, 0.48], [0.55, 0.45], [0.6, 0.4], [0.1, 0.9], [0.3, 0.7]])

  const candidates = Int32Array.of(10, 11, 12, 13, 14, 15)

  it("balanced(entropy), worked by hand: k = 2 takes the most uncertain of each predicted class, 10 then 15", () => {
    const p = tf.tensor2d([[0.5, 0.5], [0.52, 0.48], [0.55, 0.45], [0.6, 0.4], [0.1, 0.9], [0.3, 0.7]]) as tf.Tensor2D
    const picked = findStrategy("balanced(entropy)")!.select({ candidates, k: 2, probabilities: p, rng: RandomStream.make(1) })
    expect(Array.from(picked).sort()).toEqual([10, 15])
    // plain entropy takes 10 and 11, both class 0
    expect(Array.from(findStrategy("entropy")!.select({ candidates, k: 2, probabilities: p, rng: RandomStream.make(1) })).sort()).toEqual([10, 11])
    p.dispose()
  })

  it("balanced leaves a short class's share to the base order: k = 4 with two of class 1 → 10, 11 and 14, 15", () => {
    const p = probabilities()
    const picked = findStrategy("balanced(entropy)")!.select({ candidates, k: 4, probabilities: p, rng: RandomStream.make(1) })
    expect(Array.from(picked).sort()).toEqual([10, 11, 14, 15])
    p.dispose()
  })
})
