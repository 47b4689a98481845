import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { variationRatios } from "../../src/strategies/variation-ratios.js"
import { mcScores, runMc } from "./fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

/** A pass that predicts class c of 3 (probability 0.8). */
const vote = (c: number) => [0, 1, 2].map((j) => (j === c ? 0.8 : 0.1))

describe("variation-ratios", () => {
  // T = 4 passes each. A votes 0, 0, 0, 1: 1 − 3/4 = 0.25. B votes 0, 1, 2, 0: 1 − 2/4 = 0.5.
  // C votes 0 four times: 0. D votes 0, 1, 0, 1 (a tie of two modes): 1 − 2/4 = 0.5.
  // E's passes each tie classes 0 and 1 at 0.45: half a vote each, 2 votes of 4 for either: 0.5.
  const passes = [
    [vote(0), vote(0), vote(0), vote(1)],
    [vote(0), vote(1), vote(2), vote(0)],
    [vote(0), vote(0), vote(0), vote(0)],
    [vote(0), vote(1), vote(0), vote(1)],
    Array.from({ length: 4 }, () => [0.45, 0.45, 0.1])
  ]
  const candidates = Int32Array.of(10, 20, 30, 40, 50)

  it("scores 1 − (votes for the modal class) / T: 0.25, 0.5, 0, 0.5, 0.5", () => {
    expect(mcScores(variationRatios, passes)).toEqual([0.25, 0.5, 0, 0.5, 0.5])
  })

  it("queries the highest first: B, D and E (in seeded order), then A, then C", () => {
    const picked = Array.from(runMc(variationRatios, passes, candidates, 5, 1))
    expect(picked.slice(0, 3).sort()).toEqual([20, 40, 50])
    expect(picked.slice(3)).toEqual([10, 30])
  })
})
