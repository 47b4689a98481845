import * as tf from "@tensorflow/tfjs-core"
import type { Direction, Strategy } from "./strategy.js"
import { topK } from "./top-k.js"

export interface ScoringStrategyOptions {
  readonly name: string
  readonly aliases?: ReadonlyArray<string>
  readonly rule: string
  readonly citation: string
  /** Which end of the score is queried. */
  readonly direction: Direction
  /** One score per row of the probability matrix [n × C]; runs inside `tf.tidy`. */
  readonly score: (probabilities: tf.Tensor2D) => tf.Tensor1D
}

/** A strategy that scores each candidate from its class probabilities and queries the top k. */
export const scoringStrategy = (options: ScoringStrategyOptions): Strategy => ({
  name: options.name,
  aliases: options.aliases ?? [],
  doc: { rule: options.rule, citation: options.citation },
  needs: ["probabilities"],
  select: ({ candidates, k, probabilities, rng }) => {
    if (probabilities === undefined) throw new Error(`strategy '${options.name}' needs probabilities`)
    const scores = tf.tidy(() => options.score(probabilities).dataSync())
    const picked = topK(scores, k, options.direction, rng)
    return picked.map((p) => candidates[p])
  }
})
