import * as tf from "@tensorflow/tfjs-core"
import { tidyValue } from "../runtime/tidy-value.js"
import { defaultDistanceBudget } from "./kernels/distances.js"
import { scoredStrategy } from "./scoring.js"
import { required, type ScoredStrategy } from "./strategy.js"

/**
 * EPIG, expected predictive information gain (its paper, rule and direction: `doc`, below).
 * How: EPIG(x) = mean over target inputs x* of I(y; y* | x, x*), the mutual information between
 * the candidate's label and a target's under the MC-dropout posterior: with the T passes' joint
 * p(y, y*) = mean_t p_t(y | x)·p_t(y* | x*), I = Σ p(y, y*) log(p(y, y*) / (p(y)·p(y*))). The
 * targets are `targets` (default 100) candidates drawn from the pool by the seeded stream, as the
 * paper samples x* from the pool when no target distribution is given.
 */
export const epig = (options: { readonly targets?: number } = {}): ScoredStrategy =>
  scoredStrategy({
    name: "epig",
    aliases: ["EPIG"],
    rule: "highest mean over sampled targets x* of I(y; y* | x, x*) under the MC-dropout passes first",
    citation: "Bickford Smith, Kirsch, Farquhar, Gal, Foster & Rainforth (2023), Prediction-Oriented Bayesian Active Learning, AISTATS",
    direction: "highest",
    needs: ["mcProbabilities"],
    score: (input) => {
      const mc = required(input, "mcProbabilities", "epig")
      const n = mc.shape[0]
      const targets = input.rng.sample(Int32Array.from({ length: n }, (_, i) => i), Math.min(n, options.targets ?? 100))
      return epigScore(mc, targets)
    }
  })

/**
 * EPIG of every row of `mc` [n × T × C] with the rows `targets` as the target set, in blocks of
 * rows whose joint distributions [rows × C × M × C] stay under `budget` floats.
 */
export const epigScore = (mc: tf.Tensor3D, targets: Int32Array, budget = defaultDistanceBudget): Float32Array => {
  const [n, T, C] = mc.shape
  const M = targets.length
  const out = new Float32Array(n)
  if (n === 0 || M === 0) return out
  const tiny = 1e-30
  const target = tf.tidy(() => {
    const t = tf.gather(mc, tf.tensor1d(targets, "int32")) // [M, T, C]
    return { passes: tf.reshape(tf.transpose(t, [1, 0, 2]), [T, M * C]), mean: tf.reshape(tf.mean(t, 1), [1, 1, M, C]) }
  })
  try {
    const rows = Math.max(1, Math.floor(budget / (C * M * C)))
    for (let r0 = 0; r0 < n; r0 += rows) {
      const r1 = Math.min(n, r0 + rows)
      const b = r1 - r0
      const block = tidyValue(() => {
        const pool = tf.slice(mc, [r0, 0, 0], [b, T, C]) // [b, T, C]
        const joint = tf.reshape(tf.div(tf.matMul(tf.reshape(tf.transpose(pool, [0, 2, 1]), [b * C, T]), target.passes), T), [b, C, M, C])
        const independent = tf.mul(tf.reshape(tf.mean(pool, 1), [b, C, 1, 1]), target.mean)
        const information = tf.mul(joint, tf.sub(tf.log(tf.maximum(joint, tiny)), tf.log(tf.maximum(independent, tiny))))
        return tf.mean(tf.sum(information, [1, 3]), 1).dataSync() as Float32Array
      })
      out.set(block, r0)
    }
    return out
  } finally {
    target.passes.dispose()
    target.mean.dispose()
  }
}
