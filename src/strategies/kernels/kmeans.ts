import * as tf from "@tensorflow/tfjs-core"
import type { RandomStream } from "../../runtime/random.js"
import { tidyValue } from "../../runtime/tidy-value.js"
import { readInto } from "../../runtime/read-into.js"
import { centringOffsetOf, defaultDistanceBudget, gatherRows, nearestSquaredDistances, productColumns, rowSquaredNormsOf, squaredDistancesToRow, weightedDraw } from "./distances.js"

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
  return dSquaredSeeds(n, k, rng, (rows) => (j) => squaredDistancesToRow(x, n, d, x.subarray(rows[j] * d, (rows[j] + 1) * d), scratch))
}

/** D² proposals drawn together by `dSquaredSeeds`. */
const proposalsPerBatch = 16

/**
 * k-means++ seeding (Arthur & Vassilvitskii 2007) over n rows: the first seed uniform (or
 * `first`), each next one a D² draw (probability ∝ squared distance to the nearest seed so far). The draws come in
 * batches of proposals, i.i.d. from the distances at the batch's start, each accepted with
 * probability D²now / D²then (rejection sampling: an accepted proposal is distributed exactly as
 * a D² draw from the current distances), so the distances to a batch's proposals can come from
 * one product, which costs about what one column does. `columns(rows)` gives the squared
 * distances of every row to `rows[j]` on demand (`(j) => …`); it is asked only for accepted
 * proposals. Every weight 0 (the rows left coincide with seeds): a uniform untaken row.
 */
export const dSquaredSeeds = (
  n: number,
  k: number,
  rng: RandomStream,
  columns: (rows: Int32Array) => (j: number) => ArrayLike<number>,
  first?: number
): Int32Array => {
  const want = Math.min(k, n)
  const seeds = new Int32Array(want)
  if (want === 0) return seeds
  const taken = new Uint8Array(n)
  const minDist = new Float64Array(n).fill(Number.POSITIVE_INFINITY)
  const accept = (row: number, distances: ArrayLike<number>, s: number) => {
    seeds[s] = row
    taken[row] = 1
    if (s < want - 1) for (let i = 0; i < n; i++) if (distances[i] < minDist[i]) minDist[i] = distances[i]
  }
  const start = first ?? rng.int(n)
  accept(start, columns(Int32Array.of(start))(0), 0)
  for (let s = 1; s < want; ) {
    const proposals = dSquaredProposals(minDist, taken, proposalsPerBatch, rng)
    if (proposals === undefined) {
      const row = weightedDraw(new Float64Array(n), taken, rng) // uniform over the untaken
      accept(row, columns(Int32Array.of(row))(0), s++)
      continue
    }
    const then = Float64Array.from(proposals, (p) => minDist[p])
    let distances: ((j: number) => ArrayLike<number>) | undefined
    for (let j = 0; j < proposals.length && s < want; j++) {
      const u = rng.next()
      const p = proposals[j]
      if (taken[p] !== 0 || !(u * then[j] < minDist[p])) continue
      distances ??= columns(proposals)
      accept(p, distances(j), s++)
    }
  }
  return seeds
}

/**
 * `count` i.i.d. draws of untaken rows with probability ∝ `weight`, in the order drawn (one pass
 * over the cumulative weights for all of them); undefined when no untaken row has weight.
 */
const dSquaredProposals = (weight: Float64Array, taken: Uint8Array, count: number, rng: RandomStream): Int32Array | undefined => {
  let total = 0
  for (let i = 0; i < weight.length; i++) if (taken[i] === 0 && weight[i] > 0) total += weight[i]
  if (!(total > 0 && Number.isFinite(total))) return undefined
  const u = Float64Array.from({ length: count }, () => rng.next() * total)
  const order = Int32Array.from({ length: count }, (_, j) => j).sort((a, b) => u[a] - u[b])
  const out = new Int32Array(count)
  let cumulative = 0
  let last = -1
  let j = 0
  for (let i = 0; i < weight.length && j < count; i++) {
    if (taken[i] !== 0 || !(weight[i] > 0)) continue
    cumulative += weight[i]
    last = i
    while (j < count && u[order[j]] < cumulative) out[order[j++]] = i
  }
  while (j < count) out[order[j++]] = last // rounding left the largest draws past the sum
  return out
}

/** Below this many multiply-adds per distance column (n·d), k-means takes exact differences and host-side products. */
const onBackendFrom = 1 << 20

/**
 * Seeded k-means (Lloyd's algorithm from a k-means++ seeding) on rows of `x` [n × d]. An empty
 * cluster is moved to the row farthest from its own centre (a different row for each empty
 * cluster), so every centre ends up with members whenever n ≥ k.
 *
 * A large `x` (n·d ≥ 2^20) goes to `kmeansOnBackend`.
 */
export const kmeans = (x: Float32Array, n: number, d: number, k: number, rng: RandomStream, options: KMeansOptions = {}): KMeansResult => {
  const kk = Math.min(k, n)
  const budget = options.budget ?? defaultDistanceBudget
  if (n * d >= (options.onBackendFrom ?? onBackendFrom)) return tidyValue(() => kmeansOnBackend(tf.tensor2d(x, [n, d]), k, rng, options))
  const seeds = kmeansPlusPlusSeeds(x, n, d, kk, rng)
  const rowsOf = (rows: ArrayLike<number>) => gatherRows(x, d, rows)
  const sumsOf = (assignment: Int32Array) => {
    const sums = new Float64Array(kk * d)
    for (let i = 0; i < n; i++) for (let j = 0, o = i * d, p = assignment[i] * d; j < d; j++) sums[p + j] += x[o + j]
    return sums
  }
  return lloyd(n, d, rowsOf(seeds), (centres) => nearestSquaredDistances(x, n, d, centres, kk, budget), sumsOf, rowsOf, options)
}

/**
 * `kmeans` on rows held by the backend, `pool` [n × d] (not disposed): centred once
 * (`centringOffsetOf`: an offset shared by every row costs no precision), k-means++ seeds from
 * products with batches of proposals, each iteration's assignment as products with the centres
 * (`nearestCentres`) and its sums as one segment sum on the backend.
 */
export const kmeansOnBackend = (pool: tf.Tensor2D, k: number, rng: RandomStream, options: KMeansOptions = {}): KMeansResult => {
  const [n, d] = pool.shape
  const kk = Math.min(k, n)
  const budget = options.budget ?? defaultDistanceBudget
  const offset = centringOffsetOf(pool)
  const centred = tf.tidy(() => tf.sub(pool, tf.tensor1d(offset)) as tf.Tensor2D)
  try {
    const norms = rowSquaredNormsOf(centred)
    const columns = productColumns(centred, norms)
    const seeds = dSquaredSeeds(n, kk, rng, (rows) => columns(rows).distances)
    const rowsOf = (rows: ArrayLike<number>) => tidyValue(() => tf.gather(centred, tf.tensor1d(Int32Array.from(rows), "int32")).dataSync() as Float32Array)
    const sumsOf = (assignment: Int32Array) =>
      Float64Array.from(tidyValue(() => tf.unsortedSegmentSum(centred, tf.tensor1d(assignment, "int32"), kk).dataSync() as Float32Array))
    const result = lloyd(n, d, rowsOf(seeds), (centres) => nearestCentres(centred, norms, centres, kk, { budget }), sumsOf, rowsOf, options)
    return { ...result, centres: result.centres.map((v, i) => v + offset[i % d]) }
  } finally {
    centred.dispose()
  }
}

/**
 * For every row of `pool` [n × d] (on the backend), its nearest of the `k` centres [k × d] and
 * the squared distance to it, ‖x‖² (`norms`) + min over c of (‖c‖² − 2·x·c), clamped at 0:
 * products in blocks of rows whose scores stay under `budget` floats. The centres, norms and
 * rows are in one frame: the pool's own, or, with `offset`, the pool less `offset` (each block
 * shifted as it is taken, no copy of the pool). With `which` false only the distances are
 * computed (`nearest` is left 0).
 */
export const nearestCentres = (
  pool: tf.Tensor2D,
  norms: ArrayLike<number>,
  centres: ArrayLike<number>,
  k: number,
  options: { readonly budget?: number; readonly which?: boolean; readonly offset?: Float32Array } = {}
) => {
  const [n, d] = pool.shape
  const nearest = new Int32Array(n)
  const distance = new Float64Array(n)
  const block = Math.max(1, Math.floor((options.budget ?? defaultDistanceBudget) / Math.max(1, k)))
  for (let r0 = 0; r0 < n; r0 += block) {
    const r1 = Math.min(n, r0 + block)
    tidyValue(() => {
      const rows = tf.slice(pool, [r0, 0], [r1 - r0, -1])
      const scores = centreScores(options.offset === undefined ? rows : tf.sub(rows, tf.tensor1d(options.offset)), centres, k, d)
      if (options.which !== false) readInto(tf.argMin(scores, 1), nearest.subarray(r0, r1))
      readInto(tf.min(scores, 1), distance.subarray(r0, r1))
    })
  }
  for (let i = 0; i < n; i++) distance[i] = Math.max(0, norms[i] + distance[i])
  return { nearest, distance }
}

/**
 * ‖c‖² − 2·x·c for every row x of `rows` [m × d] and centre c of `centres` [k × d]: ‖x − c‖² but
 * for ‖x‖², the same for every centre. One product with a bias. Call it inside a tidy.
 */
export const centreScores = (rows: tf.Tensor, centres: ArrayLike<number>, k: number, d: number): tf.Tensor2D => {
  // the centres as [d × k], times −2 (a transposed right operand is slow in wasm's fused product)
  const minusTwoT = new Float32Array(d * k)
  const norms = new Float32Array(k)
  for (let a = 0; a < k; a++) {
    let s = 0
    for (let j = 0; j < d; j++) {
      const v = Math.fround(centres[a * d + j])
      minusTwoT[j * k + a] = -2 * v
      s += v * v
    }
    norms[a] = s
  }
  return tf.fused.matMul({ a: rows as tf.Tensor2D, b: tf.tensor2d(minusTwoT, [d, k]), bias: tf.tensor1d(norms) }) as tf.Tensor2D
}

/**
 * Lloyd's iterations from the `initial` centres [k × d]: `assign` gives each row's nearest centre
 * and its squared distance, `sumsOf` the sums of each cluster's rows, `rowsOf` rows themselves.
 */
const lloyd = (
  n: number,
  d: number,
  initial: Float32Array,
  assign: (centres: Float32Array) => { readonly nearest: Int32Array; readonly distance: Float64Array },
  sumsOf: (assignment: Int32Array) => Float64Array,
  rowsOf: (rows: ArrayLike<number>) => Float32Array,
  options: KMeansOptions
): KMeansResult => {
  const kk = initial.length / d
  const maxIterations = options.maxIterations ?? 20
  const centres = initial
  let { nearest: assignment, distance } = assign(centres)
  let iterations = 0
  for (; iterations < maxIterations; iterations++) {
    const sums = sumsOf(assignment)
    const counts = new Int32Array(kk)
    for (let i = 0; i < n; i++) counts[assignment[i]]++
    // empty clusters take the rows farthest from their centres, one row each
    const empty = Array.from(counts.keys()).filter((a) => counts[a] === 0)
    if (empty.length > 0) {
      const farthest = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => distance[b] - distance[a] || a - b)
      const rows = rowsOf(farthest.subarray(0, empty.length))
      empty.forEach((a, e) => {
        for (let j = 0; j < d; j++) sums[a * d + j] = rows[e * d + j]
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
