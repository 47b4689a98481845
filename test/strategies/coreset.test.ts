import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import fc from "fast-check"
import { embeddingsOf, selectOn, strategyWorld } from "deal-active-learning/testing"
import { beforeAll, describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { coreset, kCenterGreedy } from "../../src/strategies/coreset.js"
import { minSquaredDistances } from "../../src/strategies/kernels/distances.js"

const dist2 = (x: Float32Array, d: number, i: number, y: Float32Array, j: number) => {
  let s = 0
  for (let t = 0; t < d; t++) s += (x[i * d + t] - y[j * d + t]) ** 2
  return s
}

/**
 * The straightforward k-center greedy: the full (n + m) × (n + m) distance matrix, then k times the
 * point whose nearest centre is farthest, ties by the same seeded order deal documents.
 */
const naiveKCenter = (x: Float32Array, n: number, d: number, l: Float32Array, m: number, k: number, rng: RandomStream) => {
  const points = new Float32Array((n + m) * d)
  points.set(x)
  points.set(l, n * d)
  const D = Array.from({ length: n + m }, (_, i) => Array.from({ length: n + m }, (_, j) => dist2(points, d, i, points, j)))
  const order = rng.permutation(n)
  const rank = new Array(n)
  order.forEach((p, r) => (rank[p] = r))
  const centres: Array<number> = Array.from({ length: m }, (_, j) => n + j)
  const out: Array<number> = []
  for (let s = 0; s < Math.min(k, n); s++) {
    let best = -1
    let bestD = -1
    for (let i = 0; i < n; i++) {
      if (out.includes(i)) continue
      const di = centres.length === 0 ? Infinity : Math.min(...centres.map((c) => D[i][c]))
      if (best < 0 || di > bestD || (di === bestD && rank[i] < rank[best])) [best, bestD] = [i, di]
    }
    out.push(best)
    centres.push(best)
  }
  return out
}

const coveringRadius = (x: Float32Array, n: number, d: number, centres: ReadonlyArray<{ data: Float32Array; row: number }>) => {
  let r = 0
  for (let i = 0; i < n; i++) r = Math.max(r, Math.min(...centres.map((c) => Math.sqrt(dist2(x, d, i, c.data, c.row)))))
  return r
}

const subsets = (n: number, k: number): Array<Array<number>> =>
  k === 0 ? [[]] : n < k ? [] : [...subsets(n - 1, k - 1).map((s) => [...s, n - 1]), ...subsets(n - 1, k)]

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("coreset (k-center greedy)", () => {
  const sizes = fc.record({ n: fc.integer({ min: 1, max: 25 }), m: fc.integer({ min: 0, max: 5 }), d: fc.integer({ min: 1, max: 4 }), k: fc.integer({ min: 0, max: 12 }) })

  it("equals the naive O(N²) reference on small sets (property, exact integer embeddings)", () => {
    fc.assert(
      fc.property(
        sizes.chain((s) => fc.tuple(fc.constant(s), embeddingsOf(s.n, s.d, { integer: true }), embeddingsOf(s.m, s.d, { integer: true }), fc.integer())),
        ([{ n, m, d, k }, x, l, seed]) => {
          const fast = kCenterGreedy(x.data, n, d, l.data, m, k, RandomStream.make(seed))
          expect(Array.from(fast)).toEqual(naiveKCenter(x.data, n, d, l.data, m, k, RandomStream.make(seed)))
        }
      ),
      { numRuns: 150 }
    )
  })

  it("picks what the naive reference picks when only a few rows are kept up to date on the product path (property, ties included)", () => {
    // rows come in pairs x, −x: the column means are exactly 0, so centring changes nothing and
    // every product of these small integers is exact in float32; ties are then real ties, which
    // the pruned greedy must break as the naive one does
    const half = fc.integer({ min: 1, max: 30 })
    fc.assert(
      fc.property(
        fc
          .record({ h: half, m: fc.constantFrom(0, 3, 16, 40), d: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 20 }), active: fc.integer({ min: 1, max: 8 }) })
          .chain((s) => fc.tuple(fc.constant(s), embeddingsOf(s.h, s.d, { integer: true }), embeddingsOf(s.m, s.d, { integer: true }), fc.integer())),
        ([{ h, m, d, k, active }, half, l, seed]) => {
          const n = 2 * h
          const x = new Float32Array(n * d)
          x.set(half.data)
          x.set(half.data.map((v) => -v), h * d)
          const pruned = kCenterGreedy(x, n, d, l.data, m, k, RandomStream.make(seed), { exactBelow: 0, activeRows: active })
          expect(Array.from(pruned)).toEqual(naiveKCenter(x, n, d, l.data, m, k, RandomStream.make(seed)))
        }
      ),
      { numRuns: 150 }
    )
  })

  it("has a covering radius ≤ 2 × the brute-force optimum on tiny sets (property)", () => {
    fc.assert(
      fc.property(
        fc.record({ n: fc.integer({ min: 2, max: 9 }), m: fc.integer({ min: 0, max: 3 }), d: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 3 }) })
          .chain((s) => fc.tuple(fc.constant(s), embeddingsOf(s.n, s.d), embeddingsOf(s.m, s.d), fc.integer())),
        ([{ n, m, d, k }, x, l, seed]) => {
          const labelled = Array.from({ length: m }, (_, j) => ({ data: l.data, row: j }))
          const greedy = kCenterGreedy(x.data, n, d, l.data, m, k, RandomStream.make(seed))
          const radius = coveringRadius(x.data, n, d, [...labelled, ...Array.from(greedy, (row) => ({ data: x.data, row }))])
          const optimum = Math.min(
            ...subsets(n, Math.min(k, n)).map((s) => coveringRadius(x.data, n, d, [...labelled, ...s.map((row) => ({ data: x.data, row }))]))
          )
          // The start from the labelled set computes ‖x‖² + ‖c‖² − 2·x·c in float32 (centred), whose
          // cancellation loses up to ~4·eps32·max‖·‖² of a squared distance.
          const maxNormSq = Math.max(0, ...[x, l].flatMap((e) => Array.from({ length: e.rows }, (_, i) => dist2(e.data, d, i, new Float32Array(d), 0))))
          expect(radius).toBeLessThanOrEqual(2 * optimum + Math.sqrt(4 * 2 ** -23 * maxNormSq) + 1e-4)
        }
      ),
      { numRuns: 150 }
    )
  })

  it("initialises from the labelled set in blocks under the memory budget, the same as without blocks", () => {
    const r = RandomStream.make(4)
    const x = Float32Array.from({ length: 200 * 5 }, () => r.next())
    const l = Float32Array.from({ length: 30 * 5 }, () => r.next())
    const blocked = minSquaredDistances(x, 200, 5, l, 30, 64)
    const whole = minSquaredDistances(x, 200, 5, l, 30)
    blocked.forEach((v, i) => {
      expect(v).toBeCloseTo(whole[i], 5)
      expect(v).toBeCloseTo(Math.min(...Array.from({ length: 30 }, (_, j) => dist2(x, 5, i, l, j))), 4)
    })
  })

  /** n × d standard normal embeddings (no ties), then `scale`·x + `offset`, rounded to float32 as a backbone would hand them over. */
  const gaussian = (rows: number, d: number, seed: number, scale = 1, offset = 0) => {
    const r = RandomStream.make(seed)
    return Float32Array.from({ length: rows * d }, () => scale * Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next()) + offset)
  }

  it("picks the same rows with the products of large problems as with exact differences (no ties)", () => {
    const [n, m, d, k] = [3000, 20, 16, 40]
    const [x, l] = [gaussian(n, d, 1), gaussian(m, d, 2)]
    const exact = kCenterGreedy(x, n, d, l, m, k, RandomStream.make(3), { exactBelow: Infinity })
    const products = kCenterGreedy(x, n, d, l, m, k, RandomStream.make(3), { exactBelow: 0 })
    expect(Array.from(products)).toEqual(Array.from(exact))
    // a budget of one column at a time: no speculation, the same picks
    expect(Array.from(kCenterGreedy(x, n, d, l, m, k, RandomStream.make(3), { exactBelow: 0, budget: n }))).toEqual(Array.from(exact))
    // few rows kept up to date (the rest measured against half the labelled set): the same picks
    expect(Array.from(kCenterGreedy(x, n, d, l, m, k, RandomStream.make(3), { exactBelow: 0, activeRows: 16 }))).toEqual(Array.from(exact))
  })

  it("property: picks the same rows when every embedding is shifted by one far offset or scaled (ReLU features sit far from 0)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(50, -200, 1000), fc.constantFrom(1e-3, 1, 1e3), (seed, offset, scale) => {
        const [n, m, d, k] = [1500, 5, 8, 12]
        const plain = kCenterGreedy(gaussian(n, d, seed), n, d, gaussian(m, d, seed + 1), m, k, RandomStream.make(seed), { exactBelow: 0 })
        const moved = kCenterGreedy(gaussian(n, d, seed, scale, offset * scale), n, d, gaussian(m, d, seed + 1, scale, offset * scale), m, k, RandomStream.make(seed), { exactBelow: 0 })
        expect(Array.from(moved)).toEqual(Array.from(plain))
      }),
      { numRuns: 12 }
    )
  })

  it("picks the farthest point from the labelled set first (a worked example)", () => {
    // candidates on a line at 0, 1, 5, 10; the labelled point at 0.5
    const picked = selectOn(coreset, {
      ...fc.sample(strategyWorld(), { seed: 1, numRuns: 1 })[0],
      candidates: Int32Array.from([10, 11, 12, 13]),
      k: 2,
      embeddings: { rows: 4, cols: 1, data: Float32Array.from([0, 1, 5, 10]) },
      labeledEmbeddings: { rows: 1, cols: 1, data: Float32Array.from([0.5]) }
    })
    expect(Array.from(picked)).toEqual([13, 12])
  })
})
