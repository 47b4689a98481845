import type * as tf from "@tensorflow/tfjs-core"
import type { RandomStream } from "../runtime/random.js"

/** What a strategy may ask the pipeline to compute for the candidates before it selects. */
export type StrategyNeed = "probabilities"

/** Which end of a strategy's score is queried first. */
export type Direction = "highest" | "lowest"

export interface StrategyDoc {
  /** The rule in one line, including which end is queried. */
  readonly rule: string
  readonly citation: string
}

export interface SelectionInput {
  /** The unlabelled pool indices that may be queried, in increasing order. */
  readonly candidates: Int32Array
  /** How many to query; a strategy returns min(k, candidates.length) distinct candidates. */
  readonly k: number
  /** Class probabilities [candidates.length × C], row i for candidates[i] (when needed). */
  readonly probabilities?: tf.Tensor2D
  /** The seeded stream for this round's selection (tie-breaks, sampling). */
  readonly rng: RandomStream
}

/** A query strategy: from what it needs, the pool indices to label next. */
export interface Strategy {
  readonly name: string
  /** Other names accepted on the command line (DalMax's class names, for example). */
  readonly aliases: ReadonlyArray<string>
  readonly doc: StrategyDoc
  readonly needs: ReadonlyArray<StrategyNeed>
  readonly select: (input: SelectionInput) => Int32Array
}
