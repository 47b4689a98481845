import type * as tf from "@tensorflow/tfjs-core"
import type * as tfl from "@tensorflow/tfjs-layers"
import type { RandomStream } from "../runtime/random.js"

/**
 * What a strategy may ask the pipeline to compute for the candidates before it selects. The
 * querier computes each need once per round (one forward pass serves probabilities and
 * embeddings; MC-dropout passes reuse the deterministic prefix) and shares it between the parts
 * of a composed strategy.
 *
 * - `probabilities`: class probabilities [n × C] of the trained model.
 * - `mcProbabilities`: T MC-dropout samples of the class probabilities [n × T × C].
 * - `embeddings`: penultimate-layer features [n × d] (the input of the output layer).
 * - `labeledEmbeddings`: the same features for the labelled set [L × d].
 * - `gradientEmbeddings`: the two factors of the last-layer gradient embedding (BADGE).
 * - `labeledGradientEmbeddings`: the same factors for the labelled set (BAIT's labelled Fisher).
 * - `model`: the model itself and the candidates' features (adversarial strategies).
 */
export type StrategyNeed =
  | "probabilities"
  | "mcProbabilities"
  | "embeddings"
  | "labeledEmbeddings"
  | "gradientEmbeddings"
  | "labeledGradientEmbeddings"
  | "model"

/** Every need, in the order the querier computes them. */
export const strategyNeeds: ReadonlyArray<StrategyNeed> = [
  "probabilities",
  "mcProbabilities",
  "embeddings",
  "labeledEmbeddings",
  "gradientEmbeddings",
  "labeledGradientEmbeddings",
  "model"
]

/** Which end of a strategy's score is queried first. */
export type Direction = "highest" | "lowest"

export interface StrategyDoc {
  /** The rule in one line, including which end is queried. */
  readonly rule: string
  readonly citation: string
  /** Which end is queried, in words ("highest score first", "farthest from the centres first"). */
  readonly direction?: string
}

/**
 * The last-layer gradient embedding of each candidate, in factors: the gradient of the
 * cross-entropy at the predicted label ŷ with respect to the output layer's weights is the outer
 * product g_i = residual_i ⊗ features_i, with residual_i = p_i − onehot(ŷ_i) (Ash et al. 2020).
 * It is never materialised: ⟨g_i, g_j⟩ = ⟨r_i, r_j⟩·⟨h_i, h_j⟩.
 */
export interface GradientEmbeddingParts {
  /** p − onehot(argmax p) [n × C]. */
  readonly residual: tf.Tensor2D
  /** Penultimate features h [n × d]. */
  readonly features: tf.Tensor2D
}

/** The trained model and a way to get the candidates' inputs (for strategies that attack the model). */
export interface ModelAccess {
  readonly model: tfl.LayersModel
  /** The input tensor [m, ...shape] of the candidates at these positions (indices into `candidates`). */
  readonly features: (positions: ArrayLike<number>) => tf.Tensor
  readonly numClasses: number
}

export interface SelectionInput {
  /** The unlabelled pool indices that may be queried, in increasing order. */
  readonly candidates: Int32Array
  /** How many to query; a strategy returns min(k, candidates.length) distinct candidates. */
  readonly k: number
  /** Class probabilities [candidates.length × C], row i for candidates[i] (when needed). */
  readonly probabilities?: tf.Tensor2D
  /** MC-dropout class probabilities [candidates.length × T × C] (when needed). */
  readonly mcProbabilities?: tf.Tensor3D
  /** Penultimate-layer features [candidates.length × d] (when needed). */
  readonly embeddings?: tf.Tensor2D
  /** Penultimate-layer features of the labelled set [L × d] (when needed). */
  readonly labeledEmbeddings?: tf.Tensor2D
  /** Factors of the last-layer gradient embeddings (when needed). */
  readonly gradientEmbeddings?: GradientEmbeddingParts
  /** The same factors for the labelled set [L × C] and [L × d] (when needed). */
  readonly labeledGradientEmbeddings?: GradientEmbeddingParts
  /** The model (when needed). */
  readonly model?: ModelAccess
  /** The seeded stream for this round's selection (tie-breaks, sampling). */
  readonly rng: RandomStream
}

/**
 * A query strategy: from what it needs, the pool indices to label next.
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import { Runtime, type Strategies } from "deal-active-learning"
 *
 * // A strategy is its name, its doc, what it needs, and a selection: here the first k candidates
 * // in a seeded random order (what `random` does), needing nothing.
 * const shuffled: Strategies.Strategy = {
 *   name: "shuffled",
 *   aliases: [],
 *   doc: { rule: "k candidates in a seeded random order", citation: "an example", direction: "no order" },
 *   needs: [],
 *   select: ({ candidates, k, rng }) => rng.permutation(candidates.length).slice(0, Math.min(k, candidates.length)).map((p) => candidates[p])
 * }
 * const picked = shuffled.select({ candidates: Int32Array.of(10, 20, 30, 40), k: 2, rng: Runtime.RandomStream.make(7) })
 * assert.strictEqual(new Set(picked).size, 2)
 * ```
 */
export interface Strategy {
  readonly name: string
  /** Other names accepted on the command line (DalMax's class names, for example). */
  readonly aliases: ReadonlyArray<string>
  readonly doc: StrategyDoc
  readonly needs: ReadonlyArray<StrategyNeed>
  readonly select: (input: SelectionInput) => Int32Array
  /**
   * For strategies that rank candidates by a score: one score per candidate, and which end is
   * queried. Lets a score be composed (weighted combinations, stochastic batch acquisition).
   */
  readonly score?: (input: SelectionInput) => Float32Array
  readonly direction?: Direction
}

/** A strategy that ranks by a score (has `score` and `direction`). */
export type ScoredStrategy = Strategy & {
  readonly score: (input: SelectionInput) => Float32Array
  readonly direction: Direction
}

export const isScored = (s: Strategy): s is ScoredStrategy => s.score !== undefined && s.direction !== undefined

/** Thrown when a strategy is called without an input it declared in `needs`. */
export class MissingNeedError extends Error {
  constructor(readonly strategy: string, readonly need: StrategyNeed) {
    super(`strategy '${strategy}' needs '${need}', which the querier did not provide`)
    this.name = "MissingNeedError"
  }
}

/** The input for `need`, or a MissingNeedError naming the strategy. */
export const required = <K extends "probabilities" | "mcProbabilities" | "embeddings" | "labeledEmbeddings" | "gradientEmbeddings" | "labeledGradientEmbeddings" | "model">(
  input: SelectionInput,
  need: K,
  strategy: string
): NonNullable<SelectionInput[K]> => {
  const value = input[need]
  if (value === undefined) throw new MissingNeedError(strategy, need)
  return value as NonNullable<SelectionInput[K]>
}

/** The union of several strategies' needs, each once, in the canonical order. */
export const unionNeeds = (...needs: ReadonlyArray<ReadonlyArray<StrategyNeed>>): ReadonlyArray<StrategyNeed> => {
  const all = new Set(needs.flat())
  return strategyNeeds.filter((n) => all.has(n))
}
