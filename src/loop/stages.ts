import type * as tfl from "@tensorflow/tfjs-layers"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { Dataset } from "../data/dataset.js"
import type { LabeledSet } from "../data/labeled-set.js"
import type { Pool } from "../data/pool.js"
import type { ClassificationMetrics, ProbabilitySummary } from "../models/metrics.js"
import type { StopSetObservation } from "../stopping/criterion.js"

/** A model trained in one round; it lives until the round's scope closes. */
export interface TrainedModel {
  readonly model: tfl.LayersModel
  /** Mean training loss of the last epoch. */
  readonly loss: number
}

/** Stage `train`: a model fitted to the labelled set of this round. */
export class Trainer extends Context.Tag("deal/Trainer")<
  Trainer,
  {
    readonly train: (input: {
      readonly round: number
      readonly data: Dataset
      /** The labelled pool indices (in acquisition order) and their labels. */
      readonly labeled: LabeledSet
    }) => Effect.Effect<TrainedModel, never, Scope.Scope>
  }
>() {}

export interface Evaluation {
  readonly metrics: ClassificationMetrics
  /** The predicted class of each example. */
  readonly predicted: Int32Array
}

/** Stage `evaluate`: metrics and predictions of a model on a labelled set (test, validation). */
export class Evaluator extends Context.Tag("deal/Evaluator")<
  Evaluator,
  { readonly evaluate: (model: tfl.LayersModel, data: Dataset) => Effect.Effect<Evaluation> }
>() {}

export interface QueryResult {
  readonly indices: Int32Array
  /**
   * What the model that chose the batch thought of it (predicted class and entropy per chosen
   * row, aligned with `indices`), from what the querier computed: for selected-accuracy and
   * max-confidence.
   */
  readonly chosen: ProbabilitySummary
  /** Seconds spent computing what the strategy needs (probabilities, embeddings…). */
  readonly scoreSeconds: number
  /** Seconds spent choosing from the scores. */
  readonly selectSeconds: number
}

/** Stages `score` and `select`: which unlabelled examples to query next. */
export class Querier extends Context.Tag("deal/Querier")<
  Querier,
  {
    readonly strategy: string
    readonly query: (input: {
      readonly round: number
      readonly model: tfl.LayersModel
      readonly data: Dataset
      readonly pool: Pool
      readonly k: number
    }) => Effect.Effect<QueryResult>
  }
>() {}

/**
 * Stage `observe`: what the stopping criteria see of a round's model beyond its metrics: its
 * predictions on the stop set (a fixed sample of the initial pool).
 */
export class Observer extends Context.Tag("deal/Observer")<
  Observer,
  {
    readonly observe: (input: {
      readonly round: number
      readonly model: tfl.LayersModel
      readonly data: Dataset
      readonly stopSet: Int32Array
    }) => Effect.Effect<StopSetObservation>
  }
>() {}

export class OracleError extends Data.TaggedError("OracleError")<{ readonly message: string }> {}

/** The annotator: labels for the queried pool indices, aligned with them. */
export class Oracle extends Context.Tag("deal/Oracle")<
  Oracle,
  { readonly label: (indices: Int32Array) => Effect.Effect<Int32Array, OracleError> }
>() {}
