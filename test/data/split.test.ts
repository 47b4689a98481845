import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { classCounts } from "../../src/data/dataset.js"
import { initialIndices } from "../../src/data/split.js"
import { RandomStream } from "../../src/runtime/random.js"

const labels = Int32Array.from({ length: 300 }, (_, i) => (i * 7) % 10)

describe("initialIndices", () => {
  it.effect("balanced: 2 per class for 20 of 10 classes, as Gal et al. drew", () =>
    Effect.gen(function* () {
      const idx = yield* initialIndices(labels, 10, 20, "balanced", RandomStream.make(1))
      expect(idx.length).toBe(20)
      expect(new Set(idx).size).toBe(20)
      expect(Array.from(classCounts(Array.from(idx, (i) => labels[i]), 10))).toEqual(new Array(10).fill(2))
    })
  )

  it.effect("balanced with a remainder: class counts differ by at most one", () =>
    Effect.gen(function* () {
      const idx = yield* initialIndices(labels, 10, 23, "balanced", RandomStream.make(2))
      const counts = Array.from(classCounts(Array.from(idx, (i) => labels[i]), 10))
      expect(Math.max(...counts) - Math.min(...counts)).toBe(1)
      expect(counts.reduce((a, b) => a + b)).toBe(23)
    })
  )

  it.effect("random: k distinct indices, the same for the same seed", () =>
    Effect.gen(function* () {
      const a = yield* initialIndices(labels, 10, 50, "random", RandomStream.make(3))
      const b = yield* initialIndices(labels, 10, 50, "random", RandomStream.make(3))
      expect(new Set(a).size).toBe(50)
      expect(Array.from(a)).toEqual(Array.from(b))
    })
  )

  it.effect("fails with a clear message when k is larger than the data", () =>
    Effect.gen(function* () {
      const e = yield* Effect.flip(initialIndices(labels, 10, 301, "random", RandomStream.make(1)))
      expect(e.message).toBe("n_init_labeled must be in 0..300, got 301")
    })
  )
})
