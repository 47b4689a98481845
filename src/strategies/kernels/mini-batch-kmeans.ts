import * as tf from "@tensorflow/tfjs-core"
import type { RandomStream } from "../../runtime/random.js"
import { readInto } from "../../runtime/read-into.js"
import { tidyValue } from "../../runtime/tidy-value.js"
import { centringOffsetOf, defaultDistanceBudget, productColumns, rowSquaredNormsOf } from "./distances.js"
import { centreScores, dSquaredSeeds, type KMeansResult, nearestCentres } from "./kmeans.js"

/**
 * Mini-batch k-means — Sculley (2010), "Web-Scale K-Means Clustering", WWW — as scikit-learn's
 * `MiniBatchKMeans` runs it, which is what TypiClust's authors cluster with above 50 clusters
 * (batch 5,000): k-means++ seeds from a random subset of 3 batches, then steps on batches drawn
 * with replacement, each moving a centre towards its new members with learning rate 1 / (points
 * it has seen); centres left with under 1% of the largest count are moved to random batch points
 * every 10·k points seen; it stops when the smoothed batch inertia has not improved for 10 steps
 * (or after 100 passes' worth of steps), and every row is then assigned to its nearest centre.
 *
 * The pool stays on the backend: a step is one gather of the batch, one product with the centres
 * and one segment sum of the batch by centre; only k × d sums and the batch's labels and
 * nearest scores come back.
 * The pool is centred once (`centringOffsetOf`), so distances hold far from the origin.
 */

export interface MiniBatchKMeansOptions {
  /** Points per step (default 5,000, TypiClust's; scikit-learn's default is 1,024). */
  readonly batchSize?: number
  /** Steps at most: this many passes over the pool's worth of batches (default 100, scikit-learn's `max_iter`). */
  readonly maxPasses?: number
  /** Stop after this many steps without a lower smoothed inertia (default 10). */
  readonly maxNoImprovement?: number
  /** Centres with fewer points than this fraction of the largest count are moved (default 0.01). */
  readonly reassignmentRatio?: number
  /** Rows the k-means++ seeds are drawn from (default 3 batches, at least 3·k, at most the pool). */
  readonly initSize?: number
  /** Cap on the floats of one temporary block of the final assignment. */
  readonly budget?: number
}

/** Mini-batch k-means of the rows of `pool` [n × d] (on the backend, not disposed) into k clusters. */
export const miniBatchKMeans = (pool: tf.Tensor2D, k: number, rng: RandomStream, options: MiniBatchKMeansOptions = {}): KMeansResult => {
  const [n, d] = pool.shape
  const kk = Math.min(k, n)
  if (kk <= 0) return { centres: new Float32Array(0), assignment: new Int32Array(n), distance: new Float64Array(n), iterations: 0 }
  const b = Math.min(options.batchSize ?? 5000, n)
  const ratio = options.reassignmentRatio ?? 0.01
  const initSize = Math.min(n, Math.max(options.initSize ?? 3 * b, 3 * kk))
  const offsetValues = centringOffsetOf(pool)
  // centred once (the batches are gathered from it), with every row's squared norm
  const centred = tf.tidy(() => tf.sub(pool, tf.tensor1d(offsetValues)) as tf.Tensor2D)
  try {
    const norms = rowSquaredNormsOf(centred)
    const centres = seedCentres(centred, norms, initSize, kk, rng)
    const counts = new Float64Array(kk)
    const labels = new Int32Array(b)
    const nearest = new Float32Array(b)
    const sums = new Float32Array(kk * d)
    const convergence = smoothedInertia(b, n, options.maxNoImprovement ?? 10)
    const maxSteps = Math.max(1, Math.floor(((options.maxPasses ?? 100) * n) / b))
    let sinceReassign = 0
    let steps = 0
    while (steps < maxSteps) {
      sinceReassign += b
      const reassign = counts.some((c) => c === 0) || sinceReassign >= 10 * kk
      if (reassign) sinceReassign = 0
      const batch = Int32Array.from({ length: b }, () => rng.int(n))
      tidyValue(() => {
        const rows = tf.gather(centred, tf.tensor1d(batch, "int32"))
        const scores = centreScores(rows, centres, kk, d)
        const label = tf.argMin(scores, 1)
        readInto(label, labels)
        readInto(tf.min(scores, 1), nearest)
        readInto(tf.unsortedSegmentSum(rows, label as tf.Tensor1D, kk), sums)
      })
      // the batch's inertia (with the centres before the step), and each centre moved to the
      // mean of all the points it has seen
      let inertia = 0
      const members = new Float64Array(kk)
      for (let i = 0; i < b; i++) {
        members[labels[i]]++
        inertia += Math.max(0, norms[batch[i]] + nearest[i])
      }
      for (let a = 0; a < kk; a++) {
        if (members[a] === 0) continue
        const total = counts[a] + members[a]
        for (let j = 0, o = a * d; j < d; j++) centres[o + j] = (centres[o + j] * counts[a] + sums[o + j]) / total
        counts[a] = total
      }
      if (reassign && ratio > 0) reassignSmall(centred, batch, centres, counts, ratio, rng, d)
      steps++
      if (convergence(steps, inertia)) break
    }
    const { nearest: assignment, distance } = nearestCentres(centred, norms, centres, kk, { budget: options.budget ?? defaultDistanceBudget })
    const out = Float32Array.from(centres, (v, i) => v + offsetValues[i % d])
    return { centres: out, assignment, distance, iterations: steps }
  } finally {
    centred.dispose()
  }
}

/** k-means++ seeds among `initSize` rows of `centred` drawn without replacement, as centres [k × d] in float64. */
const seedCentres = (centred: tf.Tensor2D, norms: Float32Array, initSize: number, k: number, rng: RandomStream): Float64Array => {
  const n = centred.shape[0]
  const subset = rng.sample(Int32Array.from({ length: n }, (_, i) => i), initSize)
  return tidyValue(() => {
    const rows = tf.gather(centred, tf.tensor1d(subset, "int32"))
    const columns = productColumns(rows, Float32Array.from(subset, (i) => norms[i]))
    const seeds = dSquaredSeeds(initSize, k, rng, (r) => columns(r).distances)
    return Float64Array.from(tf.gather(rows, tf.tensor1d(seeds, "int32")).dataSync() as Float32Array)
  })
}

/**
 * scikit-learn's random reassignment: centres that have seen fewer than `ratio` × the largest
 * count (at most half a batch of them) move to distinct random points of the batch, and their
 * counts are raised to the smallest count of the others (so they are not moved again at once).
 */
const reassignSmall = (
  centred: tf.Tensor2D,
  batch: Int32Array,
  centres: Float64Array,
  counts: Float64Array,
  ratio: number,
  rng: RandomStream,
  d: number
): void => {
  const k = counts.length
  const largest = counts.reduce((a, c) => Math.max(a, c), 0)
  let moved = Array.from(counts.keys()).filter((a) => counts[a] < ratio * largest)
  const most = Math.floor(0.5 * batch.length)
  if (moved.length > most) {
    const smallest = new Set(Array.from(counts.keys()).sort((a, c) => counts[a] - counts[c] || a - c).slice(0, most))
    moved = moved.filter((a) => smallest.has(a))
  }
  if (moved.length === 0) return
  const positions = rng.sample(Int32Array.from({ length: batch.length }, (_, i) => i), moved.length)
  const rows = tidyValue(() => tf.gather(centred, tf.tensor1d(Int32Array.from(positions, (p) => batch[p]), "int32")).dataSync() as Float32Array)
  const movedSet = new Set(moved)
  let floor = Number.POSITIVE_INFINITY
  for (let a = 0; a < k; a++) if (!movedSet.has(a)) floor = Math.min(floor, counts[a])
  moved.forEach((a, m) => {
    for (let j = 0; j < d; j++) centres[a * d + j] = rows[m * d + j]
    counts[a] = Number.isFinite(floor) ? floor : 0
  })
}

/**
 * scikit-learn's early stopping: an exponentially weighted average of the mean batch inertia
 * (weight 2·b / (n + 1)), the first step's left out (it measures the seeds); true once it has not
 * gone below its lowest for `patience` steps.
 */
const smoothedInertia = (b: number, n: number, patience: number) => {
  const alpha = Math.min(1, (2 * b) / (n + 1))
  let ewa: number | undefined
  let lowest = Number.POSITIVE_INFINITY
  let stale = 0
  return (step: number, inertia: number): boolean => {
    if (step === 1) return false
    const mean = inertia / b
    ewa = ewa === undefined ? mean : ewa * (1 - alpha) + mean * alpha
    if (ewa < lowest) {
      lowest = ewa
      stale = 0
    } else stale++
    return stale >= patience
  }
}
