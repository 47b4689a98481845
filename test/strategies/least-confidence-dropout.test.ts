import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { leastConfidenceDropout } from "../../src/strategies/least-confidence-dropout.js"
import { mcScores, runMc, workedPasses } from "./fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("least-confidence-dropout", () => {
  const { passes, candidates } = workedPasses

  it("scores the max-probability of the mean of the passes: 0.7, 0.6, 0.5, and queries the lowest first (C, B, A)", () => {
    expect(mcScores(leastConfidenceDropout, passes).map((v) => +v.toFixed(4))).toEqual([0.7, 0.6, 0.5])
    expect(Array.from(runMc(leastConfidenceDropout, passes, candidates, 3, 1))).toEqual([30, 20, 10])
  })

  it("is not the mean of each pass's confidence: that would make C (0.95 in both passes) the last to query", () => {
    expect(runMc(leastConfidenceDropout, passes, candidates, 1, 1)[0]).toBe(30)
  })
})
