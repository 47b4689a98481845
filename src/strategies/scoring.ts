import * as tf from "@tensorflow/tfjs-core"
import { tidyValue } from "../runtime/tidy-value.js"
import { type Direction, required, type ScoredStrategy, type SelectionInput, type StrategyNeed } from "./strategy.js"
import { topK } from "./kernels/top-k.js"

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

export interface ScoredStrategyOptions {
  readonly name: string
  readonly aliases?: ReadonlyArray<string>
  readonly rule: string
  readonly citation: string
  readonly direction: Direction
  readonly needs: ReadonlyArray<StrategyNeed>
  /** One score per candidate, from what the strategy needs; tensors made here are freed by `tf.tidy`. */
  readonly score: (input: SelectionInput) => tf.Tensor1D | Float32Array
}

const directionText = (d: Direction) => (d === "highest" ? "highest score first" : "lowest score first")

/**
 * A strategy that scores every candidate from what it needs and queries the k best
 * (ties broken by the seeded stream, NaN last).
 */
export const scoredStrategy = (options: ScoredStrategyOptions): ScoredStrategy => {
  const score = (input: SelectionInput): Float32Array =>
    tidyValue(() => {
      const s = options.score(input)
      return s instanceof Float32Array ? s : (s.dataSync() as Float32Array).slice()
    })
  return {
    name: options.name,
    aliases: options.aliases ?? [],
    doc: { rule: options.rule, citation: options.citation, direction: directionText(options.direction) },
    needs: options.needs,
    direction: options.direction,
    score,
    select: (input) => {
      const picked = topK(score(input), input.k, options.direction, input.rng)
      return picked.map((p) => input.candidates[p])
    }
  }
}

/** A strategy that scores each candidate from its class probabilities and queries the top k. */
export const scoringStrategy = (options: ScoringStrategyOptions): ScoredStrategy =>
  scoredStrategy({
    ...options,
    needs: ["probabilities"],
    score: (input) => options.score(required(input, "probabilities", options.name))
  })
