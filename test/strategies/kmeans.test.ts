import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import fc from "fast-check"
import { embeddingsOf, selectOn, strategyWorld } from "deal-active-learning/testing"
import { beforeAll, describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { kmeans } from "../../src/strategies/kernels/kmeans.js"
import { kmeansSampling, nearestToCentres } from "../../src/strategies/kmeans.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
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
