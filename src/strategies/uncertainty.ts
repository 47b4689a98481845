import * as tf from "@tensorflow/tfjs-core"
import { scoringStrategy } from "./scoring.js"

/** max_c p_c per row. */
export const maxProbability = (p: tf.Tensor2D): tf.Tensor1D => tf.max(p, 1)

/** p₁ − p₂ per row: the gap between the two most probable classes. */
export const marginScore = (p: tf.Tensor2D): tf.Tensor1D =>
  tf.tidy(() => {
    if (p.shape[1] < 2) return tf.max(p, 1)
    const { values } = tf.topk(p, 2)
    return tf.squeeze(tf.sub(tf.slice(values, [0, 0], [-1, 1]), tf.slice(values, [0, 1], [-1, 1])), [1]) as tf.Tensor1D
  })

/** Shannon entropy −Σ p log p per row (natural log; 0 log 0 = 0). */
export const entropyScore = (p: tf.Tensor2D): tf.Tensor1D =>
  tf.tidy(() => tf.neg(tf.sum(tf.mul(p, tf.log(tf.maximum(p, 1e-30))), 1)) as tf.Tensor1D)

/**
 * Least confidence (Lewis & Gale 1994; Settles 2009 survey): query the candidates whose most
 * probable class has the lowest probability, lowest max_c p_c first.
 */
export const leastConfidence = scoringStrategy({
  name: "least-confidence",
  aliases: ["LeastConfidence"],
  rule: "lowest max-probability max_c p_c first",
  citation: "Lewis & Gale (1994), A sequential algorithm for training text classifiers, SIGIR",
  direction: "lowest",
  score: maxProbability
})

/**
 * Margin sampling (Scheffer, Decomain & Wrobel 2001): query the smallest gap p₁ − p₂ between
 * the two most probable classes first (some toolkits invert this and query the largest).
 */
export const margin = scoringStrategy({
  name: "margin",
  aliases: ["MarginSampling"],
  rule: "smallest margin p₁ − p₂ between the top two classes first",
  citation: "Scheffer, Decomain & Wrobel (2001), Active hidden Markov models for information extraction, IDA",
  direction: "lowest",
  score: marginScore
})

/**
 * Entropy sampling (Settles 2009 survey; Shannon 1948): query the highest predictive entropy
 * −Σ_c p_c log p_c first.
 */
export const entropy = scoringStrategy({
  name: "entropy",
  aliases: ["EntropySampling"],
  rule: "highest entropy −Σ p log p first",
  citation: "Settles (2009), Active Learning Literature Survey, UW-Madison TR 1648",
  direction: "highest",
  score: entropyScore
})
