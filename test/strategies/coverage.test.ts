import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import * as tfl from "@tensorflow/tfjs-layers"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { ballGraph, purityBallGraph, purityDelta } from "../../src/strategies/kernels/ball-graph.js"
import { findStrategy } from "../../src/strategies/catalogue.js"
import { coldStartIndices, coldStarts } from "../../src/strategies/cold-start.js"
import { herdingSelect } from "../../src/strategies/kernels/herding.js"
import { greedyCoverage, probCoverSelect } from "../../src/strategies/probcover.js"
import { leastLabelledDistance, marginUncertainty } from "../../src/strategies/uherding.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

const line = (...xs: Array<number>) => tf.tensor2d(xs, [xs.length, 1])

/** Neighbour lists of a ball graph, each sorted. */
const lists = (g: { offsets: Int32Array; neighbours: Int32Array }) =>
  Array.from({ length: g.offsets.length - 1 }, (_, i) => Array.from(g.neighbours.subarray(g.offsets[i], g.offsets[i + 1])).sort((a, b) => a - b))

describe("δ-ball graphs", () => {
  it("joins points closer than δ, each in its own ball, symmetrically: 0, 1, 2, 10, 11, 30 with δ = 1.5", () => {
    const x = line(0, 1, 2, 10, 11, 30)
    const g = ballGraph(x, Float32Array.from([0, 1, 4, 100, 121, 900]), 1.5)
    expect(lists(g)).toEqual([[0, 1], [0, 1, 2], [1, 2], [3, 4], [3, 4], [5]])
    x.dispose()
  })

  it("purity rule: 0, 1 | 5, 6 in two clusters; r = (5, 4, 4, 5): δ = 4 keeps every ball pure, δ = 5 half of them", () => {
    const x = line(0, 1, 5, 6)
    const norms = Float32Array.from([0, 1, 25, 36])
    const clusters = Int32Array.of(0, 0, 1, 1)
    expect(purityDelta(x, norms, clusters, 0.95)).toBeCloseTo(4, 5)
    expect(purityDelta(x, norms, clusters, 0.5)).toBeCloseTo(5, 5)
    x.dispose()
  })
})

/** n × d integer points in [−6, 6] (products exact in float32), as a tensor and as rows. */
const integerPoints = (n: number, d: number) =>
  fc.array(fc.integer({ min: -6, max: 6 }), { minLength: n * d, maxLength: n * d }).map((v) => ({ rows: Array.from({ length: n }, (_, i) => v.slice(i * d, (i + 1) * d)), flat: Float32Array.from(v) }))

const squared = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) => a.reduce((s, v, t) => s + (v - b[t]) ** 2, 0)

describe("δ-ball graphs against the definition (property, exact integer points)", () => {
  const cases = fc
    .record({ n: fc.integer({ min: 1, max: 40 }), d: fc.integer({ min: 1, max: 3 }), budget: fc.constantFrom(1, 7, 64, 1 << 20) })
    .chain((s) => fc.tuple(fc.constant(s), integerPoints(s.n, s.d), fc.integer({ min: 0, max: 60 }), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: s.n, maxLength: s.n })))

  it("the graph joins exactly the pairs closer than δ, in any block size", () => {
    fc.assert(
      fc.property(cases, ([{ n, d, budget }, p, delta2, _]) => {
        const x = tf.tensor2d(p.flat, [n, d])
        const norms = Float32Array.from(p.rows, (r) => squared(r, r.map(() => 0)))
        // δ² half-way between integers: squared distances (integers) are never on the boundary
        const g = ballGraph(x, norms, Math.sqrt(delta2 + 0.5), budget)
        expect(lists(g)).toEqual(p.rows.map((a, i) => p.rows.flatMap((b, j) => (i === j || squared(a, b) < delta2 + 0.5 ? [j] : []))))
        x.dispose()
      }),
      { numRuns: 100 }
    )
  })

  it("the purity δ is the (1 − purity) quantile of each point's distance to the nearest point of another cluster", () => {
    fc.assert(
      fc.property(cases, ([{ n, d, budget }, p, _, clusters]) => {
        const x = tf.tensor2d(p.flat, [n, d])
        const norms = Float32Array.from(p.rows, (r) => squared(r, r.map(() => 0)))
        const r = p.rows.map((a, i) => Math.sqrt(Math.min(...p.rows.flatMap((b, j) => (clusters[j] !== clusters[i] ? [squared(a, b)] : [])))))
        r.sort((a, b) => a - b)
        const expected = r[Math.min(n - 1, Math.floor(n * 0.05))]
        expect(purityDelta(x, norms, Int32Array.from(clusters), 0.95, budget)).toBe(expected)
        x.dispose()
      }),
      { numRuns: 100 }
    )
  })
})

describe("probcover's one pass (purity δ and graph together)", () => {
  it("gives what purityDelta then ballGraph give, whether the sampled bound holds or a second pass is needed (property)", () => {
    fc.assert(
      fc.property(
        fc
          .record({ n: fc.integer({ min: 1, max: 40 }), d: fc.integer({ min: 1, max: 3 }), budget: fc.constantFrom(7, 64, 1 << 20), sample: fc.constantFrom(1, 3, 1024), purity: fc.constantFrom(0.5, 0.95) })
          .chain((s) => fc.tuple(fc.constant(s), integerPoints(s.n, s.d), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: s.n, maxLength: s.n }))),
        ([{ n, d, budget, sample, purity }, p, clusters]) => {
          const x = tf.tensor2d(p.flat, [n, d])
          const norms = Float32Array.from(p.rows, (r) => squared(r, r.map(() => 0)))
          const labels = Int32Array.from(clusters)
          const delta = purityDelta(x, norms, labels, purity, budget)
          const both = purityBallGraph(x, norms, labels, purity, budget, sample)
          expect(both.delta).toBe(delta)
          expect(lists(both.graph)).toEqual(lists(ballGraph(x, norms, delta, budget)))
          x.dispose()
        }
      ),
      { numRuns: 150 }
    )
  })
})

describe("probcover", () => {
  it("covers greedily, worked by hand: 0, 1, 2, 10, 11, 30, δ = 1.5 → 1 (covers three), then 10 or 11, then 30", () => {
    const x = line(0, 1, 2, 10, 11, 30)
    const picked = Array.from(probCoverSelect(x, 0, 3, RandomStream.make(1), { delta: 1.5 }))
    expect(picked[0]).toBe(1)
    expect([3, 4]).toContain(picked[1])
    expect(picked[2]).toBe(5)
    x.dispose()
  })

  it("counts what the labelled set covers: with 10 labelled (row 0 below), 11 gains nothing", () => {
    const x = line(10, 0, 1, 2, 11, 30)
    expect(Array.from(probCoverSelect(x, 1, 2, RandomStream.make(1), { delta: 1.5 }))).toEqual([1, 4]) // 1, then 30
    x.dispose()
  })

  it("once everything is covered, takes the rest in seeded random order, distinct", () => {
    const g = { offsets: Int32Array.of(0, 1, 2, 3), neighbours: Int32Array.of(0, 1, 2) }
    const rank = Int32Array.of(2, 0, 1)
    expect(Array.from(greedyCoverage(g, 0, 3, rank))).toEqual([1, 2, 0])
  })

  it("as a catalogue strategy: three well-separated blobs, cold start, δ by the purity rule → one pick per blob", () => {
    const r = RandomStream.make(4)
    const xs = Array.from({ length: 60 }, (_, i) => [40 * Math.floor(i / 20) + r.next(), r.next()]).flat()
    const embeddings = tf.tensor2d(xs, [60, 2])
    const labeledEmbeddings = tf.zeros([0, 2]) as tf.Tensor2D
    const probabilities = tf.fill([60, 3], 1 / 3) as tf.Tensor2D
    const candidates = Int32Array.from({ length: 60 }, (_, i) => 100 + i)
    const picked = findStrategy("ProbCover")!.select({ candidates, k: 3, embeddings, labeledEmbeddings, probabilities, rng: RandomStream.make(2) })
    expect(Array.from(picked).map((i) => Math.floor((i - 100) / 20)).sort()).toEqual([0, 1, 2])
    tf.dispose([embeddings, labeledEmbeddings, probabilities])
  })
})

describe("herding (MaxHerding, UHerding)", () => {
  /** Unit vectors at these angles (degrees). */
  const angles = (...deg: Array<number>) => tf.tensor2d(deg.flatMap((a) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)]), [deg.length, 2])

  it("MaxHerding, worked by hand: 0°, 10°, 20°, 180° with h = 1 → 10° (covers its neighbours), then 180°", () => {
    // K = exp(−chord²): 10° apart 0.970, 20° 0.886, ~180° 0.02; gains 2.87, 2.96, 2.88, 1.06, then
    // after 10°: 0.03, —, 0.03, 0.98
    const x = angles(0, 10, 20, 180)
    expect(Array.from(herdingSelect(x, 0, 2, new Float64Array(4).fill(1), 1, Int32Array.of(0, 1, 2, 3)))).toEqual([1, 3])
    x.dispose()
  })

  it("UHerding's weights move the choice: weights (1, 1, 2, 0) → 10°, then 20° rather than 180°", () => {
    const x = angles(0, 10, 20, 180)
    expect(Array.from(herdingSelect(x, 0, 2, Float64Array.of(1, 1, 2, 0), 1, Int32Array.of(0, 1, 2, 3)))).toEqual([1, 2])
    x.dispose()
  })

  it("counts the labelled set's coverage: with 10° labelled, 180° comes first", () => {
    const x = angles(10, 0, 20, 180)
    expect(herdingSelect(x, 1, 1, new Float64Array(4).fill(1), 1, Int32Array.of(0, 1, 2, 3))[0]).toBe(2) // row 3 − 1 labelled
    x.dispose()
  })

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

  it("margin uncertainty 1 − (p₁ − p₂), with temperature scaling p^(1/T): (0.7, 0.2, 0.1) → 0.5, and at T = 2 → 0.757", () => {
    const u = marginUncertainty(Float32Array.of(0.7, 0.2, 0.1), 3, 1)
    expect(u[0]).toBeCloseTo(0.5, 6)
    expect(marginUncertainty(Float32Array.of(0.7, 0.2, 0.1), 3, 2)[0]).toBeCloseTo(0.7566, 3)
  })

  it("the adaptive bandwidth is the least positive distance between labelled points (normalised): 0°, 0°, 90° → √2", () => {
    const l = angles(0, 0, 90)
    expect(leastLabelledDistance(l)).toBeCloseTo(Math.SQRT2, 6)
    l.dispose()
  })

  it("as catalogue strategies: cold start on three blobs of directions → one pick per blob", () => {
    const r = RandomStream.make(5)
    const deg = Array.from({ length: 30 }, (_, i) => 120 * Math.floor(i / 10) + 5 * r.next())
    const embeddings = angles(...deg)
    const labeledEmbeddings = tf.zeros([0, 2]) as tf.Tensor2D
    const probabilities = tf.fill([30, 3], 1 / 3) as tf.Tensor2D
    const candidates = Int32Array.from({ length: 30 }, (_, i) => i)
    for (const name of ["maxherding", "UHerding"]) {
      const picked = findStrategy(name)!.select({ candidates, k: 3, embeddings, labeledEmbeddings, probabilities, rng: RandomStream.make(1) })
      expect(Array.from(picked).map((i) => Math.floor(i / 10)).sort()).toEqual([0, 1, 2])
    }
    tf.dispose([embeddings, labeledEmbeddings, probabilities])
  })
})

describe("cold start: a label-free first batch from the features", () => {
  it("typiclust, probcover and kmeans each take one example from each of three blobs", () => {
    const r = RandomStream.make(6)
    const x = Float32Array.from({ length: 90 * 2 }, (_, i) => 50 * (Math.floor(i / 60) % 3) * (i % 2 === 0 ? 1 : -1) + 3 * r.next())
    for (const mode of coldStarts) {
      const picked = Array.from(coldStartIndices(x, 90, 2, 3, mode, 3, RandomStream.make(2)))
      expect(new Set(picked.map((i) => Math.floor(i / 30)))).toEqual(new Set([0, 1, 2]))
    }
  })
})

describe("dropquery", () => {
  it("queries among the candidates whose prediction input dropout changes, one per cluster", () => {
    // class 1 needs x₁ + x₂ > 1.5: candidates near (1, 1) flip whenever a feature is dropped, those
    // near (−1, −1) never do
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, activation: "softmax", inputShape: [2] })] })
    model.layers[0].setWeights([tf.tensor2d([[0, 10], [0, 10]]), tf.tensor1d([0, -15])])
    const xs = [[1, 1], [1.1, 1], [1, 1.2], [-1, -1], [-1.2, -1], [-1, -1.1]]
    const features = (positions: ArrayLike<number>) => tf.tensor2d(Array.from(positions, (p) => xs[p]))
    const embeddings = tf.tensor2d(xs) as tf.Tensor2D
    const probabilities = model.predict(embeddings) as tf.Tensor2D
    const candidates = Int32Array.of(20, 21, 22, 23, 24, 25)
    const picked = findStrategy("DropQuery")!.select({ candidates, k: 2, probabilities, embeddings, model: { model, numClasses: 2, features }, rng: RandomStream.make(3) })
    expect(picked).toHaveLength(2)
    for (const c of picked) expect([20, 21, 22]).toContain(c)
    tf.dispose([embeddings, probabilities])
    model.dispose()
  })
})
