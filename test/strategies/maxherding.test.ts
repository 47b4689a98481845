import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { findStrategy } from "../../src/strategies/catalogue.js"
import { herdingSelect } from "../../src/strategies/kernels/herding.js"
import { angles, directionBlobPicks, squared } from "./fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("maxherding", () => {
  /**
   * The plain greedy the authors run: the whole N × N kernel in float64, every candidate's gain
   * at every step. Also returns `clear`, the number of first steps whose best gain beat the
   * second by more than 1e-4 (after that, near-ties and gains of rounding noise decide).
   */
  const naiveHerding = (rows: Array<Array<number>>, labeled: number, want: number, weight: ArrayLike<number>, h: number, rank: Int32Array) => {
    const unit = rows.map((r) => {
      const norm = Math.max(Math.hypot(...r), 1e-12)
      return r.map((v) => v / norm)
    })
    const K = unit.map((a) => unit.map((b) => Math.exp(-squared(a, b) / (h * h))))
    const covered = unit.map((_, j) => Math.max(0, ...K.slice(0, labeled).map((row) => row[j])))
    const taken = new Set<number>()
    const picks: Array<number> = []
    let clear = -1
    for (let s = 0; s < want; s++) {
      const gains = unit.map((_, i) => (i < labeled || taken.has(i) ? Number.NEGATIVE_INFINITY : K[i].reduce((g, k, j) => g + weight[j] * Math.max(0, k - covered[j]), 0)))
      const order = gains.map((_, i) => i).filter((i) => gains[i] > Number.NEGATIVE_INFINITY).sort((a, b) => gains[b] - gains[a] || rank[a] - rank[b])
      if (clear < 0 && order.length > 1 && !(gains[order[0]] - gains[order[1]] > 1e-4)) clear = s
      const best = order[0]
      taken.add(best)
      picks.push(best - labeled)
      K[best].forEach((k, j) => (covered[j] = Math.max(covered[j], k)))
    }
    return { picks, clear: clear < 0 ? want : clear }
  }

  it("MaxHerding, worked by hand: 0°, 10°, 20°, 180° with h = 1 → 10° (covers its neighbours), then 180°", () => {
    // K = exp(−chord²): 10° apart 0.970, 20° 0.886, ~180° 0.02; gains 2.87, 2.96, 2.88, 1.06, then
    // after 10°: 0.03, —, 0.03, 0.98
    const x = angles(0, 10, 20, 180)
    expect(Array.from(herdingSelect(x, 0, 2, new Float64Array(4).fill(1), 1, Int32Array.of(0, 1, 2, 3)))).toEqual([1, 3])
    x.dispose()
  })

  it("counts the labelled set's coverage: with 10° labelled, 180° comes first", () => {
    const x = angles(10, 0, 20, 180)
    expect(herdingSelect(x, 1, 1, new Float64Array(4).fill(1), 1, Int32Array.of(0, 1, 2, 3))[0]).toBe(2) // row 3 − 1 labelled
    x.dispose()
  })

  it("the lazy greedy picks what the plain greedy over the whole kernel picks (property)", () => {
    fc.assert(
      fc.property(
        fc
          .record({ n: fc.integer({ min: 2, max: 30 }), labeled: fc.integer({ min: 0, max: 4 }), d: fc.integer({ min: 2, max: 4 }), h: fc.constantFrom(0.3, 1, 2) })
          .chain((s) =>
            fc.tuple(fc.constant(s), fc.integer(), fc.integer({ min: 1, max: 30 }))
          ),
        ([{ n, labeled, d, h }, seed, want]) => {
          // points and weights uniform from a seeded stream: distinct, so gains rarely tie
          const r = RandomStream.make(seed)
          const values = Array.from({ length: n * d }, () => 2 * r.next() - 1)
          const weight = Array.from({ length: n }, () => 2 * r.next())
          const L = Math.min(labeled, n - 1)
          const k = Math.min(want, n - L)
          const rows = Array.from({ length: n }, (_, i) => values.slice(i * d, (i + 1) * d).map((v) => Math.fround(v)))
          const rank = RandomStream.make(n).permutation(n)
          const ranks = new Int32Array(n)
          rank.forEach((p, r) => (ranks[p] = r))
          const x = tf.tensor2d(rows.flat(), [n, d])
          const lazy = Array.from(herdingSelect(x, L, k, Float64Array.from(weight), h, ranks))
          x.dispose()
          const naive = naiveHerding(rows, L, k, weight, h, ranks)
          // float32 products against float64: the picks agree while each step has a clear winner
          expect(lazy.slice(0, naive.clear)).toEqual(naive.picks.slice(0, naive.clear))
          expect(new Set(lazy).size).toBe(k)
        }
      ),
      { numRuns: 100 }
    )
  })

  it("as a catalogue strategy: cold start on three blobs of directions → one pick per blob", () => {
    expect(directionBlobPicks(findStrategy("maxherding")!)).toEqual([0, 1, 2])
  })
})
