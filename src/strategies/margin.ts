import * as tf from "@tensorflow/tfjs-core"
import { scoringStrategy } from "./scoring.js"

/**
 * Margin sampling (its paper, rule and direction: `doc`, below).
 */
export const margin = scoringStrategy({
  name: "margin",
  aliases: ["MarginSampling"],
  rule: "smallest margin p₁ − p₂ between the top two classes first",
  citation: "Scheffer, Decomain & Wrobel (2001), Active hidden Markov models for information extraction, IDA",
  direction: "lowest",
  score: (p) => marginScore(p)
})

/** p₁ − p₂ per row: the gap between the two most probable classes. */
export const marginScore = (p: tf.Tensor2D): tf.Tensor1D =>
  tf.tidy(() => {
    if (p.shape[1] < 2) return tf.max(p, 1)
    const { values } = tf.topk(p, 2)
    return tf.squeeze(tf.sub(tf.slice(values, [0, 0], [-1, 1]), tf.slice(values, [0, 1], [-1, 1])), [1]) as tf.Tensor1D
  })
