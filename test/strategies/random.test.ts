import { describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { random } from "../../src/strategies/random.js"
import { pickShare } from "./fixtures.js"

describe("random", () => {
  const candidates = Int32Array.from({ length: 10 }, (_, i) => 100 + i)
  const select = (k: number, seed: number) => random.select({ candidates, k, rng: RandomStream.make(seed) })

  it("is reproducible for a seed, and other seeds choose otherwise", () => {
    expect(Array.from(select(4, 7))).toEqual(Array.from(select(4, 7)))
    const batches = new Set(Array.from({ length: 20 }, (_, seed) => Array.from(select(4, seed)).sort().join()))
    expect(batches.size).toBeGreaterThan(15)
  })

  it("takes k distinct candidates, and every candidate when k exceeds them", () => {
    expect(new Set(select(6, 3)).size).toBe(6)
    expect(Array.from(select(25, 3)).sort()).toEqual(Array.from(candidates))
  })

  it("picks each of 10 candidates a tenth of the time (4,000 seeded draws of one)", () => {
    for (const c of [100, 104, 109]) {
      const { share, tolerance } = pickShare((seed) => select(1, seed), c, 4000, 0.1)
      expect(Math.abs(share - 0.1)).toBeLessThan(tolerance)
    }
  })
})
