import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { cohenKappa } from "../../src/stopping/kappa.js"

/** κ from the confusion matrix, the textbook way. */
const reference = (a: ReadonlyArray<number>, b: ReadonlyArray<number>, c: number): number => {
  const n = a.length
  const m = Array.from({ length: c }, () => new Array(c).fill(0))
  a.forEach((x, i) => m[x][b[i]]++)
  const po = m.reduce((s, row, k) => s + row[k], 0) / n
  let pe = 0
  for (let k = 0; k < c; k++) pe += (m[k].reduce((s, v) => s + v, 0) / n) * (m.reduce((s, row) => s + row[k], 0) / n)
  return (po - pe) / (1 - pe)
}

describe("Cohen's kappa", () => {
  it("worked examples, by hand", () => {
    // p_o = 3/4; class frequencies (1/2, 1/2) and (1/4, 3/4) → p_e = 1/2; κ = (3/4 − 1/2) / (1/2) = 1/2
    expect(cohenKappa([0, 0, 1, 1], [0, 1, 1, 1], 2)).toBeCloseTo(0.5, 12)
    // p_o = 1/2, p_e = 3 · (1/3)² = 1/3 → κ = (1/2 − 1/3) / (2/3) = 1/4
    expect(cohenKappa([0, 1, 2, 0, 1, 2], [0, 1, 2, 1, 2, 0], 3)).toBeCloseTo(0.25, 12)
    // complete disagreement on two balanced classes: p_o = 0, p_e = 1/2 → κ = −1
    expect(cohenKappa([0, 1], [1, 0], 2)).toBeCloseTo(-1, 12)
  })

  it("is 1 for identical predictions, including the one-class case where the formula is 0/0", () => {
    expect(cohenKappa([2, 2, 2], [2, 2, 2], 3)).toBe(1)
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1 }), (a) => {
      expect(cohenKappa(a, a, 5)).toBe(1)
    }))
  })

  it("equals the confusion-matrix formula and is symmetric (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }).chain((c) =>
          fc.array(fc.tuple(fc.integer({ min: 0, max: c - 1 }), fc.integer({ min: 0, max: c - 1 })), { minLength: 1, maxLength: 60 }).map((pairs) => ({ c, pairs }))
        ),
        ({ c, pairs }) => {
          const a = pairs.map((p) => p[0])
          const b = pairs.map((p) => p[1])
          const k = cohenKappa(a, b, c)
          if (a.every((x, i) => x === b[i])) {
            expect(k).toBe(1)
            return
          }
          // with any disagreement p_e < 1, so the textbook formula is defined
          expect(k).toBeCloseTo(reference(a, b, c), 10)
          expect(cohenKappa(b, a, c)).toBeCloseTo(k, 10)
          expect(k).toBeLessThanOrEqual(1)
        }
      )
    )
  })
})
