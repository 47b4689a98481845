import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { squaredDistancesToRow } from "../../src/strategies/kernels/distances.js"
import { dSquaredSeeds } from "../../src/strategies/kernels/kmeans.js"
import { miniBatchKMeans } from "../../src/strategies/kernels/mini-batch-kmeans.js"
import { grid } from "./fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

const withPool = <A>(x: Float32Array, d: number, f: (pool: tf.Tensor2D) => A): A => {
  const pool = tf.tensor2d(x, [x.length / d, d])
  try {
    return f(pool)
  } finally {
    pool.dispose()
  }
}

describe("k-means++ seeding by batches of D² proposals", () => {
  it("draws each next seed with probability ∝ its squared distance to the nearest seed so far (frequencies over 6,000 seedings)", () => {
    // four points on a line: 0, 1, 3, 7
    const x = Float32Array.of(0, 1, 3, 7)
    const columns = (rows: Int32Array) => (j: number) => squaredDistancesToRow(x, 4, 1, [x[rows[j]]])
    const runs = 6000
    const pairs = new Map<string, number>()
    const triples = new Map<string, number>()
    for (let s = 0; s < runs; s++) {
      const seeds = Array.from(dSquaredSeeds(4, 3, RandomStream.make(s, "seeds"), columns))
      pairs.set(seeds.slice(0, 2).join(), (pairs.get(seeds.slice(0, 2).join()) ?? 0) + 1)
      triples.set(seeds.join(), (triples.get(seeds.join()) ?? 0) + 1)
    }
    // first seed 0 (probability 1/4), second ∝ (1, 9, 49) → 3 with probability 49/59
    expect(pairs.get("0,3")! / runs).toBeCloseTo((1 / 4) * (49 / 59), 1)
    expect(pairs.get("0,1")! / runs).toBeCloseTo((1 / 4) * (1 / 59), 2)
    // seeds 0 and 3 (at 0 and 7): the third ∝ squared distances to the nearer, (1, 9) for the
    // points at 1 and 3 → 2 with probability 9/10, whichever of the two came first
    expect(triples.get("0,3,2")! / pairs.get("0,3")!).toBeCloseTo(9 / 10, 1)
    expect(triples.get("3,0,2")! / pairs.get("3,0")!).toBeCloseTo(9 / 10, 1)
    // from 3 first, the second ∝ (49, 36, 16) → 0 with probability 49/101
    expect(pairs.get("3,0")! / runs).toBeCloseTo((1 / 4) * (49 / 101), 1)
  })

  it("takes k distinct rows, uniform ones once every row left coincides with a seed", () => {
    const x = new Float32Array(6).fill(2) // six identical points: every D² is 0
    const seeds = dSquaredSeeds(6, 6, RandomStream.make(1), (rows) => (j) => squaredDistancesToRow(x, 6, 1, [x[rows[j]]]))
    expect(new Set(seeds).size).toBe(6)
  })
})

describe("mini-batch k-means", () => {
  it("finds 60 well-separated blobs: one cluster per blob (batches of 256 of 1,200 points)", () => {
    const x = grid(60, 20, 3)
    const result = withPool(x, 2, (pool) => miniBatchKMeans(pool, 60, RandomStream.make(2), { batchSize: 256 }))
    const clusterOf = new Map<number, number>()
    for (let i = 0; i < 1200; i++) {
      const blob = Math.floor(i / 20)
      if (!clusterOf.has(blob)) clusterOf.set(blob, result.assignment[i])
      expect(result.assignment[i]).toBe(clusterOf.get(blob))
    }
    expect(new Set(clusterOf.values()).size).toBe(60)
    expect(result.iterations).toBeGreaterThan(1)
  })

  it("assigns every row to its nearest final centre, at the squared distance to it", () => {
    const x = grid(12, 15, 4)
    const n = 180
    const { centres, assignment, distance } = withPool(x, 2, (pool) => miniBatchKMeans(pool, 9, RandomStream.make(5), { batchSize: 64 }))
    for (let i = 0; i < n; i++) {
      const toCentres = squaredDistancesToRow(centres, 9, 2, x.subarray(2 * i, 2 * i + 2))
      const nearest = toCentres.indexOf(Math.min(...toCentres))
      expect(toCentres[assignment[i]]).toBeCloseTo(toCentres[nearest], 3)
      // float32 products of coordinates up to ±140 (centred): 0.01 absolute
      expect(Math.abs(distance[i] - toCentres[assignment[i]])).toBeLessThan(0.01)
    }
  })

  it("clusters alike when every point is moved by a constant far from the origin, or scaled (the pool is centred first)", () => {
    const x = grid(60, 10, 6)
    const cluster = (v: Float32Array) => withPool(v, 2, (pool) => Array.from(miniBatchKMeans(pool, 60, RandomStream.make(7), { batchSize: 200 }).assignment))
    const plain = cluster(x)
    expect(cluster(x.map((v) => v + 1e4))).toEqual(plain)
    expect(cluster(x.map((v) => v * 8))).toEqual(plain)
  })
})
