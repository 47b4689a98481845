import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { selectOn } from "deal-active-learning/testing"
import { beforeAll, describe, expect, it } from "vitest"
import { bald } from "../../src/strategies/bald.js"
import { margin } from "../../src/strategies/margin.js"
import { power } from "../../src/strategies/power.js"
import { stochasticBatch } from "../../src/strategies/stochastic-batch.js"
import { mcScores, pickShare, runMc, scoreWorld, spreadScores, temperatureBatches, twoBald } from "./fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("power (stochastic batch acquisition)", () => {
  it("approaches top-k as the temperature goes to 0 and spreads the picks at higher temperature", () => {
    const { cold, hot } = temperatureBatches("power")
    expect(cold).toEqual(["2,3"])
    expect(hot).toBeGreaterThan(3)
  })

  it("orients a lowest-first score: power over margin favours small margins", () => {
    const s = stochasticBatch(margin, { mode: "power", temperature: 0.05 })
    expect(Array.from(selectOn(s, scoreWorld(spreadScores), 1)).sort()).toEqual([2, 3])
  })

  it("draws a candidate with probability ∝ BALD: 0.6931 / (0.6931 + 0.2158) = 0.763 (4,000 seeded draws)", () => {
    expect(mcScores(bald, twoBald.passes).map((v) => +v.toFixed(4))).toEqual(twoBald.bald)
    const { share, tolerance } = pickShare((seed) => runMc(power, twoBald.passes, twoBald.candidates, 1, seed), 7, 4000, 0.763)
    expect(Math.abs(share - 0.763)).toBeLessThan(tolerance)
  })
})
