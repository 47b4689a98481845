import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { meanStdScore } from "../../src/strategies/mc-scores.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("mean-STD", () => {
  /** The score in float64: the mean over classes of the (population) std over passes. */
  const reference = (rows: ReadonlyArray<ReadonlyArray<ReadonlyArray<number>>>) =>
    rows.map((passes) => {
      const C = passes[0].length
      let total = 0
      for (let c = 0; c < C; c++) {
        const v = passes.map((p) => Math.fround(p[c]))
        const mean = v.reduce((a, b) => a + b, 0) / v.length
        total += Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length)
      }
      return total / C
    })
  const score = (rows: ReadonlyArray<ReadonlyArray<ReadonlyArray<number>>>) =>
    Array.from(tf.tidy(() => meanStdScore(tf.tensor3d(rows.map((r) => r.map((p) => [...p])))).dataSync()))

  it("property: identical passes score exactly 0, whatever the probabilities", () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: Math.fround(1e-6), max: 1, noNaN: true }), { minLength: 2, maxLength: 6 }), fc.integer({ min: 2, max: 30 }), (p, T) => {
        expect(score([Array.from({ length: T }, () => p)])).toEqual([0])
      }),
      { numRuns: 200 }
    )
  })

  it("property: ranks candidates whose passes differ by 1e-5 to 1e-3 as a float64 computation does", () => {
    const candidate = fc
      .tuple(fc.float({ min: Math.fround(0.05), max: Math.fround(0.95), noNaN: true }), fc.integer({ min: -5, max: -3 }), fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }))
      .map(([p, e, noise]) => noise.map((z) => [p + z * 10 ** e, 1 - p - z * 10 ** e]))
    fc.assert(
      fc.property(fc.array(candidate, { minLength: 2, maxLength: 8 }), (rows) => {
        const [ours, exact] = [score(rows), reference(rows)]
        ours.forEach((s, i) => expect(Math.abs(s - exact[i])).toBeLessThanOrEqual(1e-3 * exact[i] + 1e-7))
      }),
      { numRuns: 200 }
    )
  })
})
