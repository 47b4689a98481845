import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { softrank } from "../../src/strategies/softrank.js"
import { pickShare, runMc, temperatureBatches, twoBald } from "./fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("softrank (stochastic batch acquisition)", () => {
  it("approaches top-k as the temperature goes to 0 and spreads the picks at higher temperature", () => {
    const { cold, hot } = temperatureBatches("softrank")
    expect(cold).toEqual(["2,3"])
    expect(hot).toBeGreaterThan(3)
  })

  it("draws a candidate with probability ∝ 1 / its BALD rank, whatever the scores: 1 / (1 + 1/2) = 2/3 for the first (4,000 seeded draws)", () => {
    const { share, tolerance } = pickShare((seed) => runMc(softrank, twoBald.passes, twoBald.candidates, 1, seed), 7, 4000, 2 / 3)
    expect(Math.abs(share - 2 / 3)).toBeLessThan(tolerance)
  })
})
