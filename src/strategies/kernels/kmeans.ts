import type { RandomStream } from "../../runtime/random.js"
import { defaultDistanceBudget, nearestSquaredDistances, squaredDistancesToRow, weightedDraw } from "./distances.js"

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
  const want = Math.min(k, n)
  const seeds = new Int32Array(want)
  if (want === 0) return seeds
  const taken = new Uint8Array(n)
  const minDist = new Float64Array(n).fill(Number.POSITIVE_INFINITY)
  const scratch = new Float64Array(n)
  let c = rng.int(n)
  for (let s = 0; s < want; s++) {
    seeds[s] = c
    taken[c] = 1
    if (s === want - 1) break
    squaredDistancesToRow(x, n, d, x.subarray(c * d, (c + 1) * d), scratch)
    for (let i = 0; i < n; i++) if (scratch[i] < minDist[i]) minDist[i] = scratch[i]
    c = weightedDraw(minDist, taken, rng)
  }
  return seeds
}

/**
 * Seeded k-means (Lloyd's algorithm from a k-means++ seeding) on rows of `x` [n × d]. An empty
 * cluster is moved to the row farthest from its own centre (a different row for each empty
 * cluster), so every centre ends up with members whenever n ≥ k.
 */
export const kmeans = (x: Float32Array, n: number, d: number, k: number, rng: RandomStream, options: KMeansOptions = {}): KMeansResult => {
  const kk = Math.min(k, n)
  const budget = options.budget ?? defaultDistanceBudget
  const maxIterations = options.maxIterations ?? 20
  const centres = new Float32Array(kk * d)
  kmeansPlusPlusSeeds(x, n, d, kk, rng).forEach((row, j) => centres.set(x.subarray(row * d, (row + 1) * d), j * d))
  const assign = () => {
    const { nearest, distance } = nearestSquaredDistances(x, n, d, centres, kk, budget)
    return { assignment: nearest, distance }
  }
  let { assignment, distance } = assign()
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
    const next = assign()
    let changed = empty.length > 0
    for (let i = 0; i < n && !changed; i++) changed = next.assignment[i] !== assignment[i]
    assignment = next.assignment
    distance = next.distance
    if (!changed) {
      iterations++
      break
    }
  }
  return { centres, assignment, distance, iterations }
}
