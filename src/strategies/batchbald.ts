import * as tf from "@tensorflow/tfjs-core"
import { tidyValue } from "../runtime/tidy-value.js"
import type { RandomStream } from "../runtime/random.js"
import { defaultDistanceBudget } from "./kernels/distances.js"
import { entropyScore, rowEntropy } from "./kernels/entropy.js"
import { tieBreakRanks } from "./kernels/tie-break.js"
import { required, type Strategy } from "./strategy.js"

/**
 * BatchBALD (its paper, rule and direction: `doc`, below).
 * How: greedily, the candidate that maximises the mutual information between the joint labels of
 * the batch so far plus itself and the model weights, estimated from MC-dropout samples (exact
 * joint entropies while C^b configurations fit in the memory bound, sampled configurations
 * beyond).
 */
export const batchbald = (options: BatchBaldOptions = {}): Strategy => ({
  name: "batchbald",
  aliases: ["BatchBALD", "BatchBALDDropout"],
  doc: {
    rule: "greedy: the candidate with the largest joint mutual information I(y_batch, y_i; ω) with the batch so far first",
    citation: "Kirsch, van Amersfoort & Gal (2019), BatchBALD: Efficient and Diverse Batch Acquisition for Deep Bayesian Active Learning, NeurIPS",
    direction: "highest joint information gain first (greedy)"
  },
  needs: ["mcProbabilities"],
  select: (input) => {
    const mc = required(input, "mcProbabilities", "batchbald")
    const [n, T, C] = mc.shape
    return batchBaldSelect(mc.dataSync() as Float32Array, n, T, C, input.k, input.rng, options).map((p) => input.candidates[p])
  }
})

export interface BatchBaldOptions {
  /**
   * Joint label configurations kept at most (default 1024). While C^|batch| fits, the joint
   * entropy is exact; beyond, it is estimated from this many configurations sampled from the
   * joint predictive, so memory stays at maxConfigurations × T.
   */
  readonly maxConfigurations?: number
  /** Cap on the floats of one temporary [configurations × candidates × C] block. */
  readonly budget?: number
}

/**
 * Greedy BatchBALD over MC samples `mc` [n × T × C] (row-major): k distinct positions, each the
 * candidate that most increases the joint mutual information I(y_batch, y_i; ω) given the batch
 * chosen so far. Ties are broken by seeded ranks.
 */
export const batchBaldSelect = (
  mc: Float32Array,
  n: number,
  T: number,
  C: number,
  k: number,
  rng: RandomStream,
  options: BatchBaldOptions = {}
): Int32Array => {
  const want = Math.min(Math.max(0, k), n)
  const out = new Int32Array(want)
  if (want === 0) return out
  const maxConfigurations = Math.max(C, options.maxConfigurations ?? 1024)
  const budget = options.budget ?? defaultDistanceBudget
  const rank = tieBreakRanks(n, rng)
  // E_t H(y_i | ω_t): the conditional-entropy part of the score
  const conditional = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let t = 0; t < T; t++) s = rowEntropy(mc, (i * T + t) * C, C, s)
    conditional[i] = s / T
  }
  // p(y_i | ω_t) as [T × n·C] for one matrix product per block of candidates
  const mcT = tf.tidy(() => tf.reshape(tf.transpose(tf.tensor3d(mc, [n, T, C]), [1, 0, 2]), [T, n * C]) as tf.Tensor2D)
  const taken = new Uint8Array(n)
  // P[m, t] = p(configuration m of the batch | ω_t); sampled rows keep the pass t they were drawn from
  let P = new Float32Array(T).fill(1)
  let M = 1
  let sampled = false
  let drawnFrom = new Int32Array(0)
  let labels: Array<Int32Array> = [] // sampled label of each chosen candidate, per configuration
  const drawLabel = (i: number, t: number): number => {
    let u = rng.next()
    const o = (i * T + t) * C
    for (let c = 0; c < C; c++) if ((u -= mc[o + c]) < 0) return c
    return C - 1
  }
  try {
    for (let step = 0; step < want; step++) {
      const joint = new Float64Array(n)
      tf.tidy(() => {
        const Pt = tf.tensor2d(P, [M, T])
        const prior = tf.mean(Pt, 1)
        // exact: weight 1 per configuration; sampled: importance weight 1 / (M · p(configuration))
        const w = sampled ? tf.div(1, tf.mul(tf.maximum(prior, 1e-38), M)) : tf.onesLike(prior)
        const block = Math.max(1, Math.floor(budget / (M * C)))
        for (let b0 = 0; b0 < n; b0 += block) {
          const b1 = Math.min(n, b0 + block)
          const h = tidyValue(() => {
            const pc = tf.slice(mcT, [0, b0 * C], [T, (b1 - b0) * C])
            const j = tf.reshape(tf.div(tf.matMul(Pt, pc), T), [M, b1 - b0, C])
            return tf.sum(tf.mul(entropyScore(j), tf.reshape(w, [M, 1])), 0).dataSync()
          })
          for (let i = b0; i < b1; i++) joint[i] = h[i - b0]
        }
      })
      let best = -1
      let bestScore = 0
      for (let i = 0; i < n; i++) {
        if (taken[i]) continue
        const s = joint[i] - conditional[i]
        if (best < 0 || s > bestScore || (s === bestScore && rank[i] < rank[best]) || (Number.isNaN(bestScore) && !Number.isNaN(s))) {
          best = i
          bestScore = s
        }
      }
      out[step] = best
      taken[best] = 1
      if (step === want - 1) break
      // extend the configurations with the chosen candidate's label
      if (!sampled && M * C <= maxConfigurations) {
        const next = new Float32Array(M * C * T)
        for (let m = 0; m < M; m++)
          for (let c = 0; c < C; c++) for (let t = 0; t < T; t++) next[(m * C + c) * T + t] = P[m * T + t] * mc[(best * T + t) * C + c]
        P = next
        M *= C
      } else {
        if (!sampled) {
          // switch to sampling: draw configurations of the whole batch from the joint predictive
          sampled = true
          M = maxConfigurations
          drawnFrom = Int32Array.from({ length: M }, () => rng.int(T))
          labels = Array.from(out.subarray(0, step), (i) => Int32Array.from(drawnFrom, (t) => drawLabel(i, t)))
          P = new Float32Array(M * T).fill(1)
          for (let j = 0; j < step; j++) {
            const i = out[j]
            for (let m = 0; m < M; m++) for (let t = 0; t < T; t++) P[m * T + t] *= mc[(i * T + t) * C + labels[j][m]]
          }
        }
        const y = Int32Array.from(drawnFrom, (t) => drawLabel(best, t))
        labels.push(y)
        for (let m = 0; m < M; m++) {
          let max = 0
          for (let t = 0; t < T; t++) {
            const v = (P[m * T + t] *= mc[(best * T + t) * C + y[m]])
            if (v > max) max = v
          }
          // rescale each configuration's row: the joint-entropy estimate changes by a constant shared by every candidate
          if (max > 0) for (let t = 0; t < T; t++) P[m * T + t] /= max
        }
      }
    }
  } finally {
    mcT.dispose()
  }
  return out
}
