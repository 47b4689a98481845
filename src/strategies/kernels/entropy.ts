import * as tf from "@tensorflow/tfjs-core"

/**
 * Shannon entropy −Σ_c p_c log p_c (natural log, 0 log 0 = 0), the one entropy of deal's
 * strategies: over tensors here, over typed-array rows in `rowEntropy` (its home is
 * `models/metrics.ts`, below both strategies and the loop's stop-set summary, which uses it).
 */
export { rowEntropy } from "../../models/metrics.js"

/** Entropy over the last axis: per row of [n × C] probabilities, or per pass of [n × T × C] MC samples. */
export function entropyScore(p: tf.Tensor2D): tf.Tensor1D
export function entropyScore(p: tf.Tensor): tf.Tensor
export function entropyScore(p: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(p, tf.log(tf.maximum(p, 1e-30))), -1)))
}
