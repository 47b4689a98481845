import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { ballGraph, purityBallGraph, purityDelta } from "../../src/strategies/kernels/ball-graph.js"
import { findStrategy } from "../../src/strategies/catalogue.js"
import { greedyCoverage, probCoverSelect } from "../../src/strategies/probcover.js"
import { squared } from "./fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

const line = (...xs: Array<number>) => tf.tensor2d(xs, [xs.length, 1])

/** Neighbour lists of a ball graph, each sorted. */
const lists = (g: { offsets: Int32Array; neighbours: Int32Array }) =>
  Array.from({ length: g.offsets.length - 1 }, (_, i) => Array.from(g.neighbours.subarray(g.offsets[i], g.offsets[i + 1])).sort((a, b) => a - b))

/** n × d integer points in [−6, 6] (products exact in float32), as a tensor and as rows. */
const integerPoints = (n: number, d: number) =>
  fc.array(fc.integer({ min: -6, max: 6 }), { minLength: n * d, maxLength: n * d }).map((v) => ({ rows: Array.from({ length: n }, (_, i) => v.slice(i * d, (i + 1) * d)), flat: Float32Array.from(v) }))

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
