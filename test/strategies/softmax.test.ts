import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { softmax } from "../../src/strategies/softmax.js"
import { pickShare, runMc, temperatureBatches, twoBald } from "./fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("softmax (stochastic batch acquisition)", () => {
  it("approaches top-k as the temperature goes to 0 and spreads the picks at higher temperature", () => {
    const { cold, hot } = temperatureBatches("softmax")
    expect(cold).toEqual(["2,3"])
    expect(hot).toBeGreaterThan(3)
  })

  it("draws a candidate with probability ∝ exp(BALD): e^0.6931 / (e^0.6931 + e^0.2158) = 2 / 3.2408 = 0.617 (4,000 seeded draws)", () => {
    const { share, tolerance } = pickShare((seed) => runMc(softmax, twoBald.passes, twoBald.candidates, 1, seed), 7, 4000, 0.617)
    expect(Math.abs(share - 0.617)).toBeLessThan(tolerance)
  })
})
