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

/**
 * Stage `train`: a model fitted to the labelled set of this round.
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import { Effect, Layer } from "effect"
 * import { Data, Loop, Models, Run, Runtime, Strategies } from "deal-active-learning"
 *
 * // A toy dataset: points in [-1, 1]², of class 1 above the diagonal x + y = 0.
 * const data = { train: Data.halfPlane(300, 1), test: Data.halfPlane(200, 2) }
 * const train = { epochs: 20, batchSize: 16, learningRate: 0.05 }
 * const backend = Layer.merge(Runtime.Backend.layer("cpu"), Runtime.Progress.silent)
 *
 * // A stage of your own: deal's trainer, wrapped to note the rounds it trains.
 * const rounds: Array<number> = []
 * const trainer = Layer.effect(
 *   Loop.Trainer,
 *   Effect.map(Loop.Trainer, (inner) => ({ train: (input: Parameters<typeof inner.train>[0]) => (rounds.push(input.round), inner.train(input)) }))
 * ).pipe(Layer.provide(Loop.modelTrainer(Models.mlp({ hidden: 16 }), train)))
 * await Effect.runPromise(
 *   Run.activeLearning({ data, model: Models.mlp(), strategy: Strategies.margin, train, nInitLabeled: 10, nQuery: 10, nRound: 2, seed: 1, stages: { trainer } }).pipe(
 *     Effect.provide(backend)
 *   )
 * )
 * assert.deepStrictEqual(rounds, [0, 1, 2])
 * ```
 */
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

/**
 * Stage `evaluate`: metrics and predictions of a model on a labelled set (test, validation).
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import { Effect, Layer } from "effect"
 * import { Data, Loop, Models, Run, Runtime, Strategies } from "deal-active-learning"
 *
 * // A toy dataset: points in [-1, 1]², of class 1 above the diagonal x + y = 0.
 * const data = { train: Data.halfPlane(300, 1), test: Data.halfPlane(200, 2) }
 * const train = { epochs: 20, batchSize: 16, learningRate: 0.05 }
 * const backend = Layer.merge(Runtime.Backend.layer("cpu"), Runtime.Progress.silent)
 * // An evaluator of your own: deal's, wrapped to note the size of each set it measures (here the test set, each round).
 * const measured: Array<number> = []
 * const evaluator = Layer.effect(
 *   Loop.Evaluator,
 *   Effect.map(Loop.Evaluator, (inner) => ({ evaluate: (model: Parameters<typeof inner.evaluate>[0], set: Data.Dataset) => (measured.push(Data.size(set)), inner.evaluate(model, set)) }))
 * ).pipe(Layer.provide(Loop.modelEvaluator))
 * await Effect.runPromise(
 *   Run.activeLearning({ data, model: Models.mlp({ hidden: 16 }), strategy: Strategies.entropy, train, nInitLabeled: 10, nQuery: 10, nRound: 2, seed: 1, stages: { evaluator } }).pipe(
 *     Effect.provide(backend)
 *   )
 * )
 * assert.deepStrictEqual(measured, [200, 200, 200])
 * ```
 */
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

/**
 * Stages `score` and `select`: which unlabelled examples to query next.
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import { Effect, Layer } from "effect"
 * import { Data, Loop, Models, Run, Runtime, Strategies } from "deal-active-learning"
 *
 * // A toy dataset: points in [-1, 1]², of class 1 above the diagonal x + y = 0.
 * const data = { train: Data.halfPlane(300, 1), test: Data.halfPlane(200, 2) }
 * const train = { epochs: 20, batchSize: 16, learningRate: 0.05 }
 * const backend = Layer.merge(Runtime.Backend.layer("cpu"), Runtime.Progress.silent)
 * // A querier of your own: deal's, for the margin strategy, wrapped to note how many examples each round's pool still holds.
 * const unlabelled: Array<number> = []
 * const querier = Layer.effect(
 *   Loop.Querier,
 *   Effect.map(Loop.Querier, (inner) => ({ ...inner, query: (input: Parameters<typeof inner.query>[0]) => (unlabelled.push(Data.unlabeledIndices(input.pool).length), inner.query(input)) }))
 * ).pipe(Layer.provide(Loop.strategyQuerier(Strategies.margin)))
 * await Effect.runPromise(
 *   Run.activeLearning({ data, model: Models.mlp({ hidden: 16 }), strategy: Strategies.random, train, nInitLabeled: 10, nQuery: 10, nRound: 2, seed: 1, stages: { querier } }).pipe(
 *     Effect.provide(backend)
 *   )
 * )
 * assert.deepStrictEqual(unlabelled, [290, 280])
 * ```
 */
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
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import { Effect, Layer } from "effect"
 * import { Data, Loop, Models, Run, Runtime, Strategies } from "deal-active-learning"
 *
 * // A toy dataset: points in [-1, 1]², of class 1 above the diagonal x + y = 0.
 * const data = { train: Data.halfPlane(300, 1), test: Data.halfPlane(200, 2) }
 * const train = { epochs: 20, batchSize: 16, learningRate: 0.05 }
 * const backend = Layer.merge(Runtime.Backend.layer("cpu"), Runtime.Progress.silent)
 * // An observer of your own: deal's, wrapped to note the stop set it predicts (a seeded sample of the initial unlabelled pool, here all 290).
 * const stopSets: Array<number> = []
 * const observer = Layer.effect(
 *   Loop.Observer,
 *   Effect.map(Loop.Observer, (inner) => ({ observe: (input: Parameters<typeof inner.observe>[0]) => (stopSets.push(input.stopSet.length), inner.observe(input)) }))
 * ).pipe(Layer.provide(Loop.stopSetObserver))
 * await Effect.runPromise(
 *   Run.activeLearning({ data, model: Models.mlp({ hidden: 16 }), strategy: Strategies.entropy, train, nInitLabeled: 10, nQuery: 10, nRound: 2, seed: 1, stages: { observer } }).pipe(
 *     Effect.provide(backend)
 *   )
 * )
 * assert.deepStrictEqual(stopSets, [290, 290, 290])
 * ```
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

/**
 * The annotator: labels for the queried pool indices, aligned with them.
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import { Effect, Layer } from "effect"
 * import { Data, Loop, Models, Run, Runtime, Strategies } from "deal-active-learning"
 *
 * // A toy dataset: points in [-1, 1]², of class 1 above the diagonal x + y = 0.
 * const data = { train: Data.halfPlane(300, 1), test: Data.halfPlane(200, 2) }
 * const train = { epochs: 20, batchSize: 16, learningRate: 0.05 }
 * const backend = Layer.merge(Runtime.Backend.layer("cpu"), Runtime.Progress.silent)
 *
 * // An annotator of your own (here the data's labels, counting the questions).
 * let asked = 0
 * const oracle: Loop.Oracle["Type"] = { label: (indices) => Effect.sync(() => ((asked += indices.length), indices.map((i) => data.train.y[i]))) }
 * await Effect.runPromise(
 *   Run.activeLearning({ data, model: Models.mlp({ hidden: 16 }), strategy: Strategies.random, train, nInitLabeled: 10, nQuery: 5, nRound: 2, seed: 1, oracle }).pipe(
 *     Effect.provide(backend)
 *   )
 * )
 * assert.strictEqual(asked, 20)
 * ```
 */
export class Oracle extends Context.Tag("deal/Oracle")<
  Oracle,
  { readonly label: (indices: Int32Array) => Effect.Effect<Int32Array, OracleError> }
>() {}
