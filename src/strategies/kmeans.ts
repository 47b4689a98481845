import * as tf from "@tensorflow/tfjs-core"
import type { RandomStream } from "../runtime/random.js"
import { defaultDistanceBudget, squaredDistancesToRow, weightedDraw } from "./distances.js"
import { required, type Strategy } from "./strategy.js"

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

/** Seeded k-means++ seeding (Arthur & Vassilvitskii 2007): positions of k rows, the first uniform, then D² draws. */
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

/** Nearest centre of every row and its squared distance, in row blocks under `budget` floats. */
const assign = (xt: tf.Tensor2D, xNorm: tf.Tensor1D, centres: Float32Array, k: number, d: number, budget: number) => {
  const n = xt.shape[0]
  const assignment = new Int32Array(n)
  const distance = new Float64Array(n)
  const rowBlock = Math.max(1, Math.floor(budget / Math.max(1, k)))
  tf.tidy(() => {
    const c = tf.tensor2d(centres, [k, d])
    const cNorm = tf.sum(tf.square(c), 1)
    for (let r0 = 0; r0 < n; r0 += rowBlock) {
      const r1 = Math.min(n, r0 + rowBlock)
      tf.tidy(() => {
        const xb = tf.slice(xt, [r0, 0], [r1 - r0, d])
        const nb = tf.slice(xNorm, [r0], [r1 - r0])
        const dist = tf.relu(tf.add(tf.sub(tf.expandDims(nb, 1), tf.mul(2, tf.matMul(xb, c, false, true))), cNorm))
        assignment.set(tf.argMin(dist, 1).dataSync(), r0)
        distance.set(tf.min(dist, 1).dataSync(), r0)
      })
    }
  })
  return { assignment, distance }
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
  const xt = tf.tensor2d(x, [n, d])
  const xNorm = tf.tidy(() => tf.sum(tf.square(xt), 1) as tf.Tensor1D)
  try {
    let { assignment, distance } = assign(xt, xNorm, centres, kk, d, budget)
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
      const next = assign(xt, xNorm, centres, kk, d, budget)
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
  } finally {
    xt.dispose()
    xNorm.dispose()
  }
}

/**
 * For each cluster, the member nearest its centre; a cluster left without members gets the
 * nearest row not already chosen. Positions into the rows, distinct.
 */
export const nearestToCentres = (x: Float32Array, n: number, d: number, result: KMeansResult): Int32Array => {
  const k = result.centres.length / d
  const best = new Int32Array(k).fill(-1)
  for (let i = 0; i < n; i++) {
    const a = result.assignment[i]
    if (best[a] < 0 || result.distance[i] < result.distance[best[a]]) best[a] = i
  }
  const taken = new Uint8Array(n)
  best.forEach((i) => i >= 0 && (taken[i] = 1))
  for (let a = 0; a < k; a++) {
    if (best[a] >= 0) continue
    const dist = squaredDistancesToRow(x, n, d, result.centres.subarray(a * d, (a + 1) * d))
    let pick = -1
    for (let i = 0; i < n; i++) if (taken[i] === 0 && (pick < 0 || dist[i] < dist[pick])) pick = i
    best[a] = pick
    taken[pick] = 1
  }
  return best
}

/**
 * k-means sampling (DeepAL's `KMeansSampling`; Zhdanov 2019 "Diverse mini-batch active
 * learning"): seeded k-means++ then Lloyd with k clusters over the candidates' embeddings, and
 * from each cluster the candidate nearest its centre.
 */
export const kmeansSampling: Strategy = {
  name: "kmeans",
  aliases: ["KMeansSampling"],
  doc: {
    rule: "k-means (k clusters) over embeddings; from each cluster the candidate nearest its centre",
    citation: "Zhdanov (2019), Diverse mini-batch Active Learning, arXiv:1901.05954; DeepAL's KMeansSampling",
    direction: "nearest to each cluster centre"
  },
  needs: ["embeddings"],
  select: (input) => {
    const e = required(input, "embeddings", "kmeans")
    const [n, d] = e.shape
    if (Math.min(input.k, n) <= 0) return new Int32Array(0)
    const x = e.dataSync() as Float32Array
    const picked = nearestToCentres(x, n, d, kmeans(x, n, d, input.k, input.rng))
    return picked.map((p) => input.candidates[p])
  }
}
