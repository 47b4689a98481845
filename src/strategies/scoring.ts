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
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import * as tf from "@tensorflow/tfjs-core"
 * import "@tensorflow/tfjs-backend-cpu"
 * import { Runtime, Strategies } from "deal-active-learning"
 *
 * await tf.setBackend("cpu")
 * // A strategy from a score over any need: the variance over MC-dropout passes, Σ_c Var_t p_tc, highest first.
 * const totalVariance = Strategies.scoredStrategy({
 *   name: "total-variance",
 *   rule: "highest Σ_c Var_t p_tc first",
 *   citation: "an example",
 *   direction: "highest",
 *   needs: ["mcProbabilities"],
 *   score: ({ mcProbabilities }) => tf.sum(tf.moments(mcProbabilities!, 1).variance, 1) as tf.Tensor1D
 * })
 * // candidate 10's two passes agree, 20's disagree
 * const mcProbabilities = tf.tensor3d([[[0.8, 0.2], [0.8, 0.2]], [[0.9, 0.1], [0.1, 0.9]]])
 * assert.deepStrictEqual(Array.from(totalVariance.select({ candidates: Int32Array.of(10, 20), k: 1, mcProbabilities, rng: Runtime.RandomStream.make(1) })), [20])
 * mcProbabilities.dispose()
 * ```
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

/**
 * A strategy that scores each candidate from its class probabilities and queries the top k.
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import * as tf from "@tensorflow/tfjs-core"
 * import "@tensorflow/tfjs-backend-cpu"
 * import { Runtime, Strategies } from "deal-active-learning"
 *
 * await tf.setBackend("cpu")
 * // A strategy from a score over class probabilities [candidates × C]: the smallest max-probability first.
 * const unsure = Strategies.scoringStrategy({
 *   name: "unsure",
 *   rule: "lowest max-probability first",
 *   citation: "an example",
 *   direction: "lowest",
 *   score: (p) => tf.max(p, 1) as tf.Tensor1D
 * })
 * const probabilities = tf.tensor2d([[0.9, 0.1], [0.55, 0.45], [0.7, 0.3]])
 * const picked = unsure.select({ candidates: Int32Array.of(10, 20, 30), k: 2, probabilities, rng: Runtime.RandomStream.make(1) })
 * assert.deepStrictEqual(Array.from(picked), [20, 30])
 * probabilities.dispose()
 * ```
 */
export const scoringStrategy = (options: ScoringStrategyOptions): ScoredStrategy =>
  scoredStrategy({
    ...options,
    needs: ["probabilities"],
    score: (input) => options.score(required(input, "probabilities", options.name))
  })
