import * as tf from "@tensorflow/tfjs-core"
import { scoringStrategy } from "./scoring.js"

/**
 * Least confidence — Lewis & Gale (1994), "A sequential algorithm for training text
 * classifiers", SIGIR; Settles (2009) survey.
 * Rule: the probability of each candidate's most probable class, max_c p_c.
 * Direction: lowest max-probability first.
 */
export const leastConfidence = scoringStrategy({
  name: "least-confidence",
  aliases: ["LeastConfidence"],
  rule: "lowest max-probability max_c p_c first",
  citation: "Lewis & Gale (1994), A sequential algorithm for training text classifiers, SIGIR",
  direction: "lowest",
  score: (p) => maxProbability(p)
})

/** max_c p_c per row. */
export const maxProbability = (p: tf.Tensor2D): tf.Tensor1D => tf.max(p, 1)
