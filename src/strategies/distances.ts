import * as tf from "@tensorflow/tfjs-core"
import { tidyValue } from "../runtime/tidy-value.js"
import type { RandomStream } from "../runtime/random.js"

/**
 * Distance helpers for diversity strategies over embeddings held as row-major typed arrays
 * [n × d]. Pool-sized work is either one tight typed-array loop (O(n·d) per step, O(n) extra
 * memory) or a chunked tensor product whose temporaries stay under a float budget.
 */

/** Default cap on the floats of one temporary distance block (4 Mi floats = 16 MiB). */
export const defaultDistanceBudget = 1 << 22

/** Squared Euclidean norm of each row. */
export const rowSquaredNorms = (x: Float32Array, n: number, d: number): Float64Array => {
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let j = i * d, e = j + d; j < e; j++) s += x[j] * x[j]
    out[i] = s
  }
  return out
}

/** ‖x_i − x_c‖² for every row i, from the row c of `x` (or a row of another matrix). */
export const squaredDistancesToRow = (x: Float32Array, n: number, d: number, centre: ArrayLike<number>, out = new Float64Array(n)): Float64Array => {
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let j = 0, o = i * d; j < d; j++) {
      const v = x[o + j] - centre[j]
      s += v * v
    }
    out[i] = s
  }
  return out
}

/**
 * For every row of `x` [n × d], the squared distance to the nearest row of `centres` [m × d]
 * (+∞ when m = 0), as ‖x‖² + ‖c‖² − 2·x·c clamped at 0, computed in blocks of rows × centres
 * whose size stays under `budget` floats.
 */
export const minSquaredDistances = (
  x: Float32Array,
  n: number,
  d: number,
  centres: Float32Array,
  m: number,
  budget = defaultDistanceBudget
): Float64Array => {
  const out = new Float64Array(n).fill(Number.POSITIVE_INFINITY)
  if (m === 0 || n === 0) return out
  const colBlock = Math.max(1, Math.min(m, Math.floor(budget / Math.max(1, Math.min(n, 1024)))))
  const rowBlock = Math.max(1, Math.min(n, Math.floor(budget / colBlock)))
  for (let c0 = 0; c0 < m; c0 += colBlock) {
    const c1 = Math.min(m, c0 + colBlock)
    const cT = tf.tensor2d(centres.subarray(c0 * d, c1 * d), [c1 - c0, d])
    const cNorm = tf.tidy(() => tf.sum(tf.square(cT), 1))
    for (let r0 = 0; r0 < n; r0 += rowBlock) {
      const r1 = Math.min(n, r0 + rowBlock)
      const block = tidyValue(() => {
        const xb = tf.tensor2d(x.subarray(r0 * d, r1 * d), [r1 - r0, d])
        const dist = tf.relu(tf.add(tf.sub(tf.expandDims(tf.sum(tf.square(xb), 1), 1), tf.mul(2, tf.matMul(xb, cT, false, true))), cNorm))
        return tf.min(dist, 1).dataSync()
      })
      for (let i = r0; i < r1; i++) if (block[i - r0] < out[i]) out[i] = block[i - r0]
    }
    cT.dispose()
    cNorm.dispose()
  }
  return out
}

/**
 * One D² draw (Arthur & Vassilvitskii 2007): an index i with probability weight[i] / Σ weight,
 * skipping `taken`; uniform over the untaken when every weight is 0.
 */
export const weightedDraw = (weight: Float64Array, taken: Uint8Array, rng: RandomStream): number => {
  const n = weight.length
  let total = 0
  for (let i = 0; i < n; i++) if (taken[i] === 0 && weight[i] > 0) total += weight[i]
  if (total > 0 && Number.isFinite(total)) {
    let u = rng.next() * total
    let last = -1
    for (let i = 0; i < n; i++) {
      if (taken[i] !== 0 || !(weight[i] > 0)) continue
      last = i
      u -= weight[i]
      if (u < 0) return i
    }
    if (last >= 0) return last
  }
  let free = 0
  for (let i = 0; i < n; i++) if (taken[i] === 0) free++
  let r = rng.int(free)
  for (let i = 0; i < n; i++) if (taken[i] === 0 && r-- === 0) return i
  return -1
}
