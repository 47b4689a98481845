import * as tf from "@tensorflow/tfjs-core"
import type { RandomStream } from "../../runtime/random.js"
import { tidyValue } from "../../runtime/tidy-value.js"
import { centringOffset, defaultDistanceBudget, nearestSquaredDistances, pairwiseSquaredDistances, squaredDistancesToRow, weightedDraw } from "./distances.js"

/**
 * Seeded k-means for the clustering strategies (`kmeans` sampling, TypiClust): k-means++ seeding
 * (Arthur & Vassilvitskii 2007, "k-means++: The Advantages of Careful Seeding", SODA) then
 * Lloyd's iterations (Lloyd 1982), distances from `distances.ts`.
 */

export interface KMeansOptions {
  /** Lloyd iterations at most (default 20); stops earlier when no assignment changes. */
  readonly maxIterations?: number
  /** Cap on the floats of one temporary distance block. */
  readonly budget?: number
  /** From this many multiply-adds per distance column (n·d) on, the pool stays on the backend (default 2^20). */
  readonly onBackendFrom?: number
}

export interface KMeansResult {
  /** Cluster centres [k × d]. */
  readonly centres: Float32Array
  /** The cluster of each row. */
  readonly assignment: Int32Array
  /** Squared distance of each row to its centre. */
  readonly distance: Float64Array
  readonly iterations: number
}

/** Seeded k-means++ seeding: positions of k rows of `x` [n × d], the first uniform, then D² draws. */
export const kmeansPlusPlusSeeds = (x: Float32Array, n: number, d: number, k: number, rng: RandomStream): Int32Array => {
  const scratch = new Float64Array(n)
  return seedsBy(n, k, rng, (c) => squaredDistancesToRow(x, n, d, x.subarray(c * d, (c + 1) * d), scratch))
}

/** k-means++ seeding over n rows whose squared distances to row c `distancesTo(c)` gives. */
const seedsBy = (n: number, k: number, rng: RandomStream, distancesTo: (c: number) => ArrayLike<number>): Int32Array => {
  const want = Math.min(k, n)
  const seeds = new Int32Array(want)
  if (want === 0) return seeds
  const taken = new Uint8Array(n)
  const minDist = new Float64Array(n).fill(Number.POSITIVE_INFINITY)
  let c = rng.int(n)
  for (let s = 0; s < want; s++) {
    seeds[s] = c
    taken[c] = 1
    if (s === want - 1) break
    const dist = distancesTo(c)
    for (let i = 0; i < n; i++) if (dist[i] < minDist[i]) minDist[i] = dist[i]
    c = weightedDraw(minDist, taken, rng)
  }
  return seeds
}

/** Below this many multiply-adds per distance column (n·d), k-means takes exact differences and host-side products. */
const onBackendFrom = 1 << 20

/**
 * Seeded k-means (Lloyd's algorithm from a k-means++ seeding) on rows of `x` [n × d]. An empty
 * cluster is moved to the row farthest from its own centre (a different row for each empty
 * cluster), so every centre ends up with members whenever n ≥ k.
 *
 * A large `x` (n·d ≥ 2^20) is centred once and kept on the backend for the whole run: each
 * seed's distances and each iteration's assignment are products against it, instead of a JS
 * pass (seeding) or an upload of every row block (assignment) each time.
 */
export const kmeans = (x: Float32Array, n: number, d: number, k: number, rng: RandomStream, options: KMeansOptions = {}): KMeansResult => {
  const kk = Math.min(k, n)
  const budget = options.budget ?? defaultDistanceBudget
  if (n * d < (options.onBackendFrom ?? onBackendFrom)) {
    return lloyd(x, n, d, kmeansPlusPlusSeeds(x, n, d, kk, rng), (centres) => nearestSquaredDistances(x, n, d, centres, kk, budget), options)
  }
  return tidyValue(() => {
    const offset = tf.tensor1d(centringOffset(x, n, d))
    const pool = tf.sub(tf.tensor2d(x, [n, d]), offset)
    const norms = tf.sum(tf.square(pool), 1)
    const normValues = norms.dataSync() as Float32Array
    // k-means++ seeding, one product column per seed
    const dist = new Float64Array(n)
    const seeds = seedsBy(n, kk, rng, (c) => {
      const column = tidyValue(() => tf.matMul(pool, tf.gather(pool, tf.tensor1d([c], "int32")), false, true).dataSync() as Float32Array)
      for (let i = 0; i < n; i++) dist[i] = Math.max(0, normValues[i] + normValues[c] - 2 * column[i])
      return dist
    })
    const block = Math.max(1, Math.min(kk, Math.floor(budget / n)))
    const assign = (centres: Float32Array) => {
      const nearest = new Int32Array(n)
      const distance = new Float64Array(n).fill(Number.POSITIVE_INFINITY)
      for (let c0 = 0; c0 < kk; c0 += block) {
        const c1 = Math.min(kk, c0 + block)
        const [min, argMin] = tidyValue(() => {
          const dist = pairwiseSquaredDistances(pool, tf.sub(tf.tensor2d(centres.subarray(c0 * d, c1 * d), [c1 - c0, d]), offset), norms)
          return [tf.min(dist, 1).dataSync() as Float32Array, tf.argMin(dist, 1).dataSync() as Int32Array] as const
        })
        for (let i = 0; i < n; i++) {
          const v = min[i]
          if (v < distance[i]) {
            distance[i] = v
            nearest[i] = c0 + argMin[i]
          }
        }
      }
      return { nearest, distance }
    }
    return lloyd(x, n, d, seeds, assign, options)
  })
}

/** Lloyd's iterations from the rows `seeds` of `x`, with `assign` giving each row's nearest centre and its squared distance. */
const lloyd = (
  x: Float32Array,
  n: number,
  d: number,
  seeds: Int32Array,
  assign: (centres: Float32Array) => { readonly nearest: Int32Array; readonly distance: Float64Array },
  options: KMeansOptions
): KMeansResult => {
  const kk = seeds.length
  const maxIterations = options.maxIterations ?? 20
  const centres = new Float32Array(kk * d)
  seeds.forEach((row, j) => centres.set(x.subarray(row * d, (row + 1) * d), j * d))
  let { nearest: assignment, distance } = assign(centres)
  let iterations = 0
  for (; iterations < maxIterations; iterations++) {
    const sums = new Float64Array(kk * d)
    const counts = new Int32Array(kk)
    for (let i = 0; i < n; i++) {
      const a = assignment[i]
      counts[a]++
      for (let j = 0, o = i * d, p = a * d; j < d; j++) sums[p + j] += x[o + j]
    }
    // empty clusters take the rows farthest from their centres, one row each
    const empty = Array.from(counts.keys()).filter((a) => counts[a] === 0)
    if (empty.length > 0) {
      const farthest = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => distance[b] - distance[a] || a - b)
      empty.forEach((a, e) => {
        const row = farthest[e]
        for (let j = 0; j < d; j++) sums[a * d + j] = x[row * d + j]
        counts[a] = 1
      })
    }
    for (let a = 0; a < kk; a++) for (let j = 0; j < d; j++) centres[a * d + j] = sums[a * d + j] / counts[a]
    const next = assign(centres)
    let changed = empty.length > 0
    for (let i = 0; i < n && !changed; i++) changed = next.nearest[i] !== assignment[i]
    assignment = next.nearest
    distance = next.distance
    if (!changed) {
      iterations++
      break
    }
  }
  return { centres, assignment, distance, iterations }
}
