import * as tf from "@tensorflow/tfjs-core"
import { tidyValue } from "../../runtime/tidy-value.js"
import { forEachDistanceBlock } from "./ball-graph.js"
import { centringOffsetOf } from "./distances.js"

/**
 * The greedy loop of MaxHerding and UHerding (Bae et al. 2024, 2025): over N points, the first
 * `labeled` of them labelled, maximise the weighted generalised coverage
 * Σ_j w_j · max over chosen s of K(x_s, x_j), K(x, y) = exp(−‖x − y‖² / h²) (the authors' RBF
 * kernel), starting from the labelled set's coverage: `want` times, the untaken candidate with the
 * largest gain Σ_j w_j · max(0, K(x_i, x_j) − m_j) is taken, m_j its coverage so far (ties: the
 * lower `rank`). The rows are L2-normalised first, as the authors' features are. The N × N kernel
 * is held in memory (N² floats), as the authors hold it. Returns candidate positions.
 */
export const herdingSelect = (x: tf.Tensor2D, labeled: number, want: number, weight: Float64Array, bandwidth: number, rank: Int32Array): Int32Array => {
  const N = x.shape[0]
  if (N * N > maxKernelEntries) throw new RangeError(`herding holds an N × N kernel: ${N} points are too many (at most ${Math.floor(Math.sqrt(maxKernelEntries))}); give --pool_subset`)
  const K = new Float32Array(N * N)
  const normalised = tf.tidy(() => {
    const unit = tf.div(x, tf.maximum(tf.norm(x, 2, 1, true), 1e-12))
    return tf.sub(unit, tf.tensor1d(centringOffsetOf(unit as tf.Tensor2D))) as tf.Tensor2D
  })
  try {
    const norms = tidyValue(() => tf.sum(tf.square(normalised), 1).dataSync() as Float32Array)
    const scale = 1 / (bandwidth * bandwidth)
    forEachDistanceBlock(normalised, norms, (r0, r1, block) => {
      for (let e = 0, end = (r1 - r0) * N; e < end; e++) K[r0 * N + e] = Math.exp(-block[e] * scale)
    })
  } finally {
    normalised.dispose()
  }
  const covered = new Float64Array(N)
  for (let s = 0; s < labeled; s++) for (let j = 0, row = s * N; j < N; j++) if (K[row + j] > covered[j]) covered[j] = K[row + j]
  const taken = new Uint8Array(N)
  const out = new Int32Array(want)
  for (let t = 0; t < want; t++) {
    let best = -1
    let bestGain = Number.NEGATIVE_INFINITY
    for (let i = labeled; i < N; i++) {
      if (taken[i] !== 0) continue
      let gain = 0
      for (let j = 0, row = i * N; j < N; j++) {
        const g = K[row + j] - covered[j]
        if (g > 0) gain += weight[j] * g
      }
      if (gain > bestGain || (gain === bestGain && rank[i] < rank[best])) {
        best = i
        bestGain = gain
      }
    }
    taken[best] = 1
    out[t] = best - labeled
    for (let j = 0, row = best * N; j < N; j++) if (K[row + j] > covered[j]) covered[j] = K[row + j]
  }
  return out
}

/** At most this many kernel entries (2^28 floats, 1 GiB): about 16,000 points. */
const maxKernelEntries = 2 ** 28
