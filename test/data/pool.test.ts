import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { emptyPool, labelIndices, unlabeledIndices, unlabeledCount } from "../../src/data/pool.js"

describe("Pool", () => {
  it("labels without mutating the pool it came from", () => {
    const p0 = emptyPool(5)
    const p1 = labelIndices(p0, [3, 1])
    expect(Array.from(p0.labeled)).toEqual([])
    expect(Array.from(unlabeledIndices(p0))).toEqual([0, 1, 2, 3, 4])
    expect(Array.from(p1.labeled)).toEqual([3, 1])
    expect(Array.from(unlabeledIndices(p1))).toEqual([0, 2, 4])
  })

  it("refuses an index labelled twice or outside the pool", () => {
    const p = labelIndices(emptyPool(4), [2])
    expect(() => labelIndices(p, [2])).toThrow("index 2 is already labelled")
    expect(() => labelIndices(p, [4])).toThrow("index 4 is outside the pool of 4")
  })

  it("partitions the pool into labelled and unlabelled (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 99 })), (idx) => {
        const p = labelIndices(emptyPool(100), idx)
        const un = unlabeledIndices(p)
        expect(un.length).toBe(unlabeledCount(p))
        expect(new Set([...un, ...p.labeled]).size).toBe(100)
      })
    )
  })
})
