import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { RandomStream, deriveSeed } from "../../src/runtime/random.js"

describe("RandomStream", () => {
  it("gives the same numbers for the same seed and path, different ones for another path", () => {
    const a = RandomStream.make(7, "round", 1)
    const b = RandomStream.make(7, "round", 1)
    const c = RandomStream.make(7, "round", 2)
    const xs = Array.from({ length: 8 }, () => a.nextUint32())
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(xs)
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(xs)
    expect(deriveSeed(1, "a", 12)).not.toBe(deriveSeed(1, "a1", 2))
  })

  it("restores from its state", () => {
    const a = RandomStream.make(3)
    a.next()
    const b = RandomStream.fromState(a.state())
    expect(b.nextUint32()).toBe(a.nextUint32())
  })

  it("draws int(n) in [0, n) and roughly uniformly", () => {
    const r = RandomStream.make(11)
    const counts = new Array(5).fill(0)
    for (let i = 0; i < 50_000; i++) counts[r.int(5)]++
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500)
  })

  it("permutes and samples without repeats (property)", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 250 }), (seed, n, k) => {
        const r = RandomStream.make(seed)
        const p = r.permutation(n)
        expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i))
        const s = r.sample(p, k)
        expect(s.length).toBe(Math.min(k, n))
        expect(new Set(s).size).toBe(s.length)
      })
    )
  })
})
