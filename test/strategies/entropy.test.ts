import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { entropy } from "../../src/strategies/entropy.js"
import { entropyScore } from "../../src/strategies/kernels/entropy.js"
import { probabilityMatrix, run, score, worked } from "./fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("entropy", () => {
  const { rows, candidates } = worked


  it("entropy is maximal, log C, at the uniform distribution (property)", () => {
    fc.assert(
      fc.property(probabilityMatrix(10), (rows) => {
        const c = rows[0].length
        const uniform = score(entropyScore, [new Array(c).fill(1 / c)])[0]
        expect(uniform).toBeCloseTo(Math.log(c), 5)
        for (const h of score(entropyScore, rows)) expect(h).toBeLessThanOrEqual(uniform + 1e-5)
      })
    )
  })

  it("entropy queries the highest entropy (row 2, then row 0)", () => {
    expect(score(entropyScore, rows).map((v) => +v.toFixed(3))).toEqual([0.742, 0.394, 1.089])
    expect(Array.from(run(entropy, rows, candidates, 2, 1))).toEqual([30, 10])
  })
})
