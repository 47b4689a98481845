import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { marginDropout } from "../../src/strategies/margin-dropout.js"
import { mcScores, runMc, workedPasses } from "./fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("margin-dropout", () => {
  const { passes, candidates } = workedPasses

  it("scores the margin p₁ − p₂ of the mean of the passes: 0.4, 0.2, 0, and queries the smallest first (C, B, A)", () => {
    expect(mcScores(marginDropout, passes).map((v) => +v.toFixed(4))).toEqual([0.4, 0.2, 0])
    expect(Array.from(runMc(marginDropout, passes, candidates, 2, 1))).toEqual([30, 20])
  })

  it("with three classes takes the gap between the top two of the mean: (0.5, 0.3, 0.2) and (0.3, 0.5, 0.2) average to (0.4, 0.4, 0.2), margin 0", () => {
    const three = [
      [[0.5, 0.3, 0.2], [0.3, 0.5, 0.2]],
      [[0.6, 0.3, 0.1], [0.6, 0.3, 0.1]]
    ]
    expect(mcScores(marginDropout, three).map((v) => +v.toFixed(4))).toEqual([0, 0.3])
  })
})
