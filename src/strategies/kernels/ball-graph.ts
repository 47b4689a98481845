import * as tf from "@tensorflow/tfjs-core"
import { readInto } from "../../runtime/read-into.js"
import { tidyValue } from "../../runtime/tidy-value.js"
import { defaultDistanceBudget, pairwiseSquaredDistances } from "./distances.js"

/**
 * Every pair of rows of `centred` [N × d] (on the backend, centred: see `centringOffsetOf`), a
 * block of rows at a time: `visit(r0, r1, block)` gets the squared distances of rows [r0, r1)
 * to every row, [(r1 − r0) × N] row-major, in memory reused by the next block. O(N²·d) work,
 * O(budget) memory: for the coverage strategies on pools of up to some 10⁴ points.
 */
export const forEachDistanceBlock = (
  centred: tf.Tensor2D,
  norms: Float32Array,
  visit: (r0: number, r1: number, block: Float32Array) => void,
  budget = defaultDistanceBudget
): void => {
  const N = centred.shape[0]
  const rows = Math.max(1, Math.min(N, Math.floor(budget / Math.max(1, N))))
  const block = new Float32Array(rows * N)
  const allNorms = tf.tensor1d(norms)
  try {
    for (let r0 = 0; r0 < N; r0 += rows) {
      const r1 = Math.min(N, r0 + rows)
      tidyValue(() => readInto(pairwiseSquaredDistances(tf.slice(centred, [r0, 0], [r1 - r0, -1]), centred, tf.slice(allNorms, [r0], [r1 - r0])), block))
      visit(r0, r1, block)
    }
  } finally {
    allNorms.dispose()
  }
}

/** A symmetric graph in compressed rows: the neighbours of row i are `neighbours[offsets[i] … offsets[i + 1])`. */
export interface BallGraph {
  readonly offsets: Int32Array
  readonly neighbours: Int32Array
}

/**
 * The δ-ball graph of the rows of `centred`: i and j are joined when ‖x_i − x_j‖ < δ, and each
 * row is in its own ball. Each pair is decided once (from the lower row's distances), so the
 * graph is symmetric whatever the products' rounding.
 */
export const ballGraph = (centred: tf.Tensor2D, norms: Float32Array, delta: number, budget = defaultDistanceBudget): BallGraph => {
  const N = centred.shape[0]
  const limit = delta * delta
  let pairs = new Int32Array(Math.max(16, 4 * N))
  let count = 0
  forEachDistanceBlock(
    centred,
    norms,
    (r0, r1, block) => {
      for (let i = r0; i < r1; i++) {
        const row = (i - r0) * N
        for (let j = i + 1; j < N; j++) {
          if (!(block[row + j] < limit)) continue
          if (2 * count + 2 > pairs.length) {
            const grown = new Int32Array(2 * pairs.length)
            grown.set(pairs)
            pairs = grown
          }
          pairs[2 * count] = i
          pairs[2 * count + 1] = j
          count++
        }
      }
    },
    budget
  )
  const offsets = new Int32Array(N + 1)
  for (let i = 0; i < N; i++) offsets[i + 1] = 1 // itself
  for (let p = 0; p < 2 * count; p++) offsets[pairs[p] + 1]++
  for (let i = 0; i < N; i++) offsets[i + 1] += offsets[i]
  const neighbours = new Int32Array(offsets[N])
  const next = offsets.slice(0, N)
  for (let i = 0; i < N; i++) neighbours[next[i]++] = i
  for (let p = 0; p < count; p++) {
    const [i, j] = [pairs[2 * p], pairs[2 * p + 1]]
    neighbours[next[i]++] = j
    neighbours[next[j]++] = i
  }
  return { offsets, neighbours }
}

/**
 * ProbCover's δ by its purity rule (Yehuda et al. 2022): the largest δ for which at least a
 * fraction `purity` of the balls B_δ(x) hold only points of x's cluster (`clusters`, a k-means
 * labelling). A ball is pure while δ ≤ r(x), the distance from x to the nearest point of another
 * cluster, so that δ is a quantile of r — exact, where the authors search a grid. 0 when some
 * fraction above 1 − purity has a point of another cluster at distance 0.
 */
export const purityDelta = (centred: tf.Tensor2D, norms: Float32Array, clusters: Int32Array, purity: number, budget = defaultDistanceBudget): number => {
  const N = centred.shape[0]
  const r = new Float64Array(N).fill(Number.POSITIVE_INFINITY)
  forEachDistanceBlock(
    centred,
    norms,
    (r0, r1, block) => {
      for (let i = r0; i < r1; i++) {
        const row = (i - r0) * N
        let nearest = Number.POSITIVE_INFINITY
        for (let j = 0; j < N; j++) if (clusters[j] !== clusters[i] && block[row + j] < nearest) nearest = block[row + j]
        r[i] = Math.sqrt(nearest)
      }
    },
    budget
  )
  r.sort()
  const j = Math.min(N - 1, Math.floor(N * (1 - purity)))
  return N === 0 ? 0 : Number.isFinite(r[j]) ? r[j] : Number.POSITIVE_INFINITY
}
