import { describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { topK } from "../../src/strategies/kernels/top-k.js"

describe("topK", () => {
  it("breaks ties by the seed: all tied positions are reachable, the choice is reproducible", () => {
    const scores = new Float32Array(10).fill(0.5)
    const firsts = new Set<number>()
    for (let seed = 0; seed < 200; seed++) firsts.add(topK(scores, 1, "highest", RandomStream.make(seed))[0])
    expect(firsts.size).toBe(10)
    expect(Array.from(topK(scores, 4, "highest", RandomStream.make(5)))).toEqual(Array.from(topK(scores, 4, "highest", RandomStream.make(5))))
  })

  it("puts NaN scores last in either direction", () => {
    const scores = [Number.NaN, 1, 2]
    expect(Array.from(topK(scores, 3, "highest", RandomStream.make(1)))).toEqual([2, 1, 0])
    expect(Array.from(topK(scores, 3, "lowest", RandomStream.make(1)))).toEqual([1, 2, 0])
  })
})
