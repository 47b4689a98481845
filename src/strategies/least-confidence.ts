import * as tf from "@tensorflow/tfjs-core"
import { scoringStrategy } from "./scoring.js"

/**
 * Least confidence (its paper, rule and direction: `doc`, below).
 */
export const leastConfidence = scoringStrategy({
  name: "least-confidence",
  aliases: ["LeastConfidence"],
  rule: "lowest max-probability max_c p_c first",
  citation: "Lewis & Gale (1994), A sequential algorithm for training text classifiers, SIGIR; Settles (2009), Active Learning Literature Survey",
  direction: "lowest",
  score: (p) => maxProbability(p)
})

/** max_c p_c per row. */
export const maxProbability = (p: tf.Tensor2D): tf.Tensor1D => tf.max(p, 1)
