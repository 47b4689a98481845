import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { findStrategy } from "../../src/strategies/catalogue.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("subsample", () => {
  // probabilities: candidates 0–3 predicted class 0 (the four most uncertain), 4–5 class 1
  const probabilities = () => tf.tensor2d([[0.5, 0.5], [0.52, 0.48], [0.55, 0.45], [0.6, 0.4], [0.1, 0.9], [0.3, 0.7]])

  const candidates = Int32Array.of(10, 11, 12, 13, 14, 15)

  it("subsample(entropy,3) queries within 3 seeded random candidates only, the most uncertain of them", () => {
    const p = probabilities()
    const rng = RandomStream.make(4)
    const subset = Array.from(RandomStream.make(4).sample(Int32Array.from({ length: 6 }, (_, i) => i), 3)).sort()
    const picked = findStrategy("subsample(entropy,3)")!.select({ candidates, k: 1, probabilities: p, rng })
    expect(subset.map((i) => candidates[i])).toContain(picked[0])
    expect(picked[0]).toBe(candidates[Math.min(...subset)]) // rows are ordered from most to least uncertain
    p.dispose()
  })
})
