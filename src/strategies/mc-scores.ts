import * as tf from "@tensorflow/tfjs-core"
import { entropyScore } from "./kernels/entropy.js"

/** The mean over the T passes of MC-dropout probabilities [n × T × C]: the predictive distribution [n × C]. */
export const meanProbabilities = (mc: tf.Tensor3D): tf.Tensor2D => tf.mean(mc, 1) as tf.Tensor2D

/**
 * BALD's mutual information between the label and the weights, per candidate:
 * I = H(mean_t p_t) − mean_t H(p_t), clamped at 0 (it is ≥ 0 by Jensen; float rounding can dip
 * below by an ulp), so 0 ≤ I ≤ H(mean_t p_t).
 */
export const baldScore = (mc: tf.Tensor3D): tf.Tensor1D =>
  tf.tidy(() => {
    const total = entropyScore(meanProbabilities(mc))
    const expected = tf.mean(entropyScore(mc), 1)
    return tf.minimum(tf.maximum(tf.sub(total, expected), 0), total) as tf.Tensor1D
  })

/**
 * Variation ratio 1 − (votes for the modal class) / T, where each pass votes for its predicted
 * class; a pass whose top probability is shared by several classes splits its vote between them,
 * so the score does not depend on the order of the classes.
 */
export const variationRatioScore = (mc: tf.Tensor3D): tf.Tensor1D =>
  tf.tidy(() => {
    const t = mc.shape[1]
    const isTop = tf.cast(tf.equal(mc, tf.max(mc, 2, true)), "float32")
    const votes = tf.sum(tf.div(isTop, tf.sum(isTop, 2, true)), 1)
    return tf.sub(1, tf.div(tf.max(votes, 1), t)) as tf.Tensor1D
  })

/**
 * Mean over classes of the standard deviation over passes, mean_c sqrt(E_t[δ²] − E_t[δ]²) with
 * δ = p − p₁ the passes' differences from the first pass (the shifted-data variance): the
 * textbook E_t[p²] − E_t[p]² cancels in float32, so its stds below about 2e-4 were noise, and
 * identical passes could outrank passes that really differ. Identical passes give exactly 0.
 */
export const meanStdScore = (mc: tf.Tensor3D): tf.Tensor1D =>
  tf.tidy(() => {
    const delta = tf.sub(mc, tf.slice(mc, [0, 0, 0], [-1, 1, -1]))
    const m = tf.mean(delta, 1)
    const m2 = tf.mean(tf.square(delta), 1)
    return tf.mean(tf.sqrt(tf.relu(tf.sub(m2, tf.square(m)))), 1) as tf.Tensor1D
  })
