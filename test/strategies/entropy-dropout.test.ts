import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { entropyDropout } from "../../src/strategies/entropy-dropout.js"
import { mcScores, runMc, workedPasses } from "./fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("entropy-dropout", () => {
  const { passes, candidates } = workedPasses

  it("scores the entropy of the mean of the passes and queries the highest first (C, B, A)", () => {
    // H(0.7, 0.3) = 0.7·0.3567 + 0.3·1.2040 = 0.611; H(0.6, 0.4) = 0.6·0.5108 + 0.4·0.9163 = 0.673; H(0.5, 0.5) = log 2
    expect(mcScores(entropyDropout, passes).map((v) => +v.toFixed(3))).toEqual([0.611, 0.673, 0.693])
    expect(Array.from(runMc(entropyDropout, passes, candidates, 3, 1))).toEqual([30, 20, 10])
  })
})
