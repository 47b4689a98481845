import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import fc from "fast-check"
import { embeddingsOf, probabilityMatrixOf, selectOn, strategyWorld } from "deal/testing"
import { beforeAll, describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { badge, badgeSeeds, badgeSeedsOnBackend, type FactorisedEmbeddings, gradientSquaredDistancesTo, gradientSquaredNorms } from "../../src/strategies/badge.js"
import { coreset, kCenterGreedy } from "../../src/strategies/coreset.js"
import { minSquaredDistances } from "../../src/strategies/kernels/distances.js"
import { kmeans } from "../../src/strategies/kernels/kmeans.js"
import { kmeansSampling, nearestToCentres } from "../../src/strategies/kmeans.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

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

describe("kmeans", () => {
  it("gives the same clusters with the pool on the backend (products) as with exact differences (well-separated data)", () => {
    const [n, d, k] = [2400, 12, 8]
    const r = RandomStream.make(9)
    const centres = Array.from({ length: k }, () => Float32Array.from({ length: d }, () => 20 * r.next()))
    // far from the origin, as ReLU features are: the backend path centres them first
    const x = Float32Array.from({ length: n * d }, (_, i) => 500 + centres[Math.floor(i / d) % k][i % d] + r.next() - 0.5)
    const exact = kmeans(x, n, d, k, RandomStream.make(4), { onBackendFrom: Infinity })
    const products = kmeans(x, n, d, k, RandomStream.make(4), { onBackendFrom: 0 })
    expect(Array.from(products.assignment)).toEqual(Array.from(exact.assignment))
    expect(products.iterations).toBe(exact.iterations)
    products.centres.forEach((v, i) => expect(v).toBeCloseTo(exact.centres[i], 3))
  })

  it("returns one distinct point per cluster, each its cluster's nearest member (property)", () => {
    fc.assert(
      fc.property(
        fc.record({ n: fc.integer({ min: 1, max: 30 }), d: fc.integer({ min: 1, max: 4 }), k: fc.integer({ min: 1, max: 10 }) })
          .chain((s) => fc.tuple(fc.constant(s), embeddingsOf(s.n, s.d), fc.integer())),
        ([{ n, d, k }, x, seed]) => {
          const result = kmeans(x.data, n, d, k, RandomStream.make(seed))
          const picked = nearestToCentres(x.data, n, d, result)
          expect(picked).toHaveLength(Math.min(k, n))
          expect(new Set(picked).size).toBe(picked.length)
          picked.forEach((p, a) => {
            if (result.assignment[p] !== a) return // a cluster left empty took the nearest free point
            for (let i = 0; i < n; i++) if (result.assignment[i] === a) expect(result.distance[p]).toBeLessThanOrEqual(result.distance[i])
          })
        }
      ),
      { numRuns: 100 }
    )
  })

  it("handles empty clusters: k = n duplicated points still gives n distinct picks", () => {
    const x = new Float32Array(6 * 2).fill(1) // six identical points
    const picked = nearestToCentres(x, 6, 2, kmeans(x, 6, 2, 6, RandomStream.make(1)))
    expect(new Set(picked).size).toBe(6)
  })

  it("finds well-separated clusters: one pick from each", () => {
    const r = RandomStream.make(9)
    const centres = [[0, 0], [20, 0], [0, 20]]
    const x = Float32Array.from({ length: 90 * 2 }, (_, i) => centres[Math.floor(i / 60)][i % 2] + r.next())
    const world = { ...fc.sample(strategyWorld(), { seed: 2, numRuns: 1 })[0], candidates: Int32Array.from({ length: 90 }, (_, i) => i), k: 3, embeddings: { rows: 90, cols: 2, data: x } }
    const picked = Array.from(selectOn(kmeansSampling, world)).map((i) => Math.floor(i / 30)).sort()
    expect(picked).toEqual([0, 1, 2])
  })
})

describe("badge", () => {
  const factorised = (n: number, c: number, d: number) =>
    fc.tuple(probabilityMatrixOf(n, c), embeddingsOf(n, d)).map(([p, h]): FactorisedEmbeddings => {
      const residual = new Float32Array(n * c)
      for (let i = 0; i < n; i++) {
        let top = 0
        for (let j = 1; j < c; j++) if (p.data[i * c + j] > p.data[i * c + top]) top = j
        for (let j = 0; j < c; j++) residual[i * c + j] = p.data[i * c + j] - (j === top ? 1 : 0)
      }
      return { n, c, d, residual, features: h.data }
    })
  const sized = fc.record({ n: fc.integer({ min: 1, max: 15 }), c: fc.integer({ min: 2, max: 5 }), d: fc.integer({ min: 1, max: 6 }) })

  it("computes factorised gradient-embedding distances equal to materialised ones (property)", () => {
    fc.assert(
      fc.property(sized.chain((s) => factorised(s.n, s.c, s.d)), (g) => {
        // materialise g_i = r_i ⊗ h_i [n × C·d]
        const G = new Float64Array(g.n * g.c * g.d)
        for (let i = 0; i < g.n; i++)
          for (let a = 0; a < g.c; a++) for (let b = 0; b < g.d; b++) G[(i * g.c + a) * g.d + b] = g.residual[i * g.c + a] * g.features[i * g.d + b]
        const norms = gradientSquaredNorms(g)
        for (let c = 0; c < g.n; c++) {
          const fast = gradientSquaredDistancesTo(g, norms, c)
          for (let i = 0; i < g.n; i++) {
            let s = 0
            for (let t = 0; t < g.c * g.d; t++) s += (G[i * g.c * g.d + t] - G[c * g.c * g.d + t]) ** 2
            expect(fast[i]).toBeCloseTo(s, 3)
            expect(Math.abs(fast[i] - s)).toBeLessThanOrEqual(1e-4 * Math.max(1, s))
          }
        }
      }),
      { numRuns: 100 }
    )
  })

  it("starts from the largest gradient and never picks a point twice", () => {
    fc.assert(
      fc.property(sized.chain((s) => fc.tuple(factorised(s.n, s.c, s.d), fc.integer({ min: 1, max: 20 }), fc.integer())), ([g, k, seed]) => {
        const seeds = badgeSeeds(g, k, RandomStream.make(seed))
        expect(new Set(seeds).size).toBe(Math.min(k, g.n))
        const norms = gradientSquaredNorms(g)
        expect(norms[seeds[0]]).toBe(Math.max(...norms))
      }),
      { numRuns: 100 }
    )
  })

  it("on the backend (products of the factors, a batch of D² proposals at a time), starts from the largest gradient and never picks a point twice", () => {
    fc.assert(
      fc.property(sized.chain((s) => fc.tuple(factorised(s.n, s.c, s.d), fc.integer({ min: 1, max: 20 }), fc.integer())), ([g, k, seed]) => {
        const [r, h] = [tf.tensor2d(g.residual, [g.n, g.c]), tf.tensor2d(g.features, [g.n, g.d])]
        const seeds = badgeSeedsOnBackend(r, h, k, RandomStream.make(seed))
        tf.dispose([r, h])
        expect(new Set(seeds).size).toBe(Math.min(k, g.n))
        const norms = gradientSquaredNorms(g)
        expect(norms[seeds[0]]).toBeCloseTo(Math.max(...norms), 4)
      }),
      { numRuns: 50 }
    )
  })

  it("is a catalogue strategy over the gradient-embedding need", () => {
    expect(badge.needs).toEqual(["gradientEmbeddings"])
  })
})
