/**
 * The model behind `deal serve --label-studio`: what it predicts of every item and where the
 * strategy ranks it, retrained in the background on the labels Label Studio's annotations give.
 *
 * Each retraining trains a model with the loop's Trainer on every label, predicts every item
 * (argmax of its probabilities), and lets the Querier rank the whole pool once: rank 0 is the
 * item the strategy would query first. Labelled items rank after every unlabelled one. Before any
 * model (version 0) the ranks are a seeded random order and there are no predictions. Requests to
 * retrain while one runs are coalesced: the latest runs once the current one is done.
 *
 * Built from the loop's own stages (Trainer, Evaluator, Querier), so any stage can be replaced.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { Dataset } from "../data/dataset.js"
import type { LabeledSet } from "../data/labeled-set.js"
import { poolFromLabeled } from "../data/pool.js"
import { Evaluator, Querier, Trainer } from "../loop/stages.js"
import { summarizeProbabilities } from "../models/metrics.js"
import { predictProbabilities } from "../models/predict.js"
import { describeFailure } from "../runtime/failure.js"
import { RandomStream } from "../runtime/random.js"

/** What one model says of the pool. */
export interface PoolRanking {
  /** 0 before any model, then 1, 2, … per retraining. */
  readonly version: number
  /** Each item's rank: 0 is the most informative. */
  readonly rank: Int32Array
  /** Each item's predicted class and its probability (none before a model). */
  readonly predicted?: Int32Array
  readonly confidence?: Float32Array
  /** Labels the model was trained on. */
  readonly labels: number
}


export interface LabelStudioModelConfig {
  /** The items (labels unknown). */
  readonly pool: Dataset
  /** Labelled items to measure each model on (may be empty). */
  readonly test: Dataset
  /** Seeds the first order and the order of items past `rankLimit`. */
  readonly seed: number
  /** The most items the strategy ranks per model (the rest follow in a seeded random order); default 10 000. */
  readonly rankLimit?: number
}

export interface LabelStudioModel {
  readonly current: Effect.Effect<PoolRanking>
  /**
   * Retrains in the background on the labels `labelled` gives when it runs (a failure is
   * logged, and the model stays); returns at once.
   */
  readonly retrain: <E extends { readonly message: string }>(labelled: Effect.Effect<LabeledSet, E>) => Effect.Effect<void>
  /** Whether a retraining runs or waits. */
  readonly training: Effect.Effect<boolean>
}

/**
 * Ranks: the strategy's `ordered` unlabelled items first (0, 1, …), then the other unlabelled ones
 * in the order of `shuffled` (a permutation of the pool), then the labelled ones in that order.
 */
export const poolRanks = (size: number, ordered: ArrayLike<number>, labelled: ArrayLike<number>, shuffled: ArrayLike<number>): Int32Array => {
  const rank = new Int32Array(size).fill(-1)
  let next = 0
  for (let j = 0; j < ordered.length; j++) rank[ordered[j]] = next++
  const isLabelled = new Uint8Array(size)
  for (let j = 0; j < labelled.length; j++) isLabelled[labelled[j]] = 1
  for (let j = 0; j < shuffled.length; j++) if (rank[shuffled[j]] < 0 && isLabelled[shuffled[j]] === 0) rank[shuffled[j]] = next++
  for (let j = 0; j < shuffled.length; j++) if (rank[shuffled[j]] < 0) rank[shuffled[j]] = next++
  return rank
}

/** Opens the model for the scope; background training stops with the scope. */
export const openLabelStudioModel = (config: LabelStudioModelConfig): Effect.Effect<LabelStudioModel, never, Trainer | Evaluator | Querier | Scope.Scope> =>
  Effect.gen(function* () {
    const trainer = yield* Trainer
    const evaluator = yield* Evaluator
    const querier = yield* Querier
    const { pool, test } = config
    const n = pool.y.length
    const rankLimit = config.rankLimit ?? 10_000
    const shuffled = (version: number) => RandomStream.make(config.seed, "label-studio", version, "order").permutation(n)
    let current: PoolRanking = { version: 0, rank: poolRanks(n, [], [], shuffled(0)), labels: 0 }

    const train = (labelled: LabeledSet) =>
      Effect.scoped(
        Effect.gen(function* () {
          const version = current.version + 1
          const started = Date.now()
          const { model } = yield* trainer.train({ round: version, data: pool, labeled: labelled })
          const seconds = (Date.now() - started) / 1000
          const all = Int32Array.from({ length: n }, (_, i) => i)
          const summary = summarizeProbabilities(yield* predictProbabilities(model, pool, all), pool.classNames.length)
          const unlabelled = n - labelled.indices.length
          const ordered =
            unlabelled === 0
              ? new Int32Array(0)
              : (yield* querier.query({ round: version, model, data: pool, pool: poolFromLabeled(n, labelled.indices), k: Math.min(unlabelled, rankLimit) })).indices
          const accuracy = test.y.length === 0 ? undefined : (yield* evaluator.evaluate(model, test)).metrics.accuracy
          current = {
            version,
            rank: poolRanks(n, ordered, labelled.indices, shuffled(version)),
            predicted: summary.predictions,
            confidence: summary.confidence,
            labels: labelled.indices.length
          }
          yield* Effect.logInfo(
            `model v${version}: ${labelled.indices.length} labels, trained in ${seconds.toFixed(1)} s${accuracy === undefined ? "" : `, test accuracy ${accuracy.toFixed(3)}`}; ${querier.strategy} ranked ${ordered.length} of ${unlabelled} unlabelled items`
          )
        })
      )

    let waiting: Effect.Effect<LabeledSet, { readonly message: string }> | undefined
    let running = false
    /** The next retraining to run, or none (and then nothing runs): taken in one step, so none is lost. */
    const next = Effect.sync(() => {
      const job = waiting
      waiting = undefined
      if (job === undefined) running = false
      return job
    })
    const runJob = (job: Effect.Effect<LabeledSet, { readonly message: string }>) =>
      job.pipe(
        Effect.flatMap((labelled) => (labelled.indices.length === 0 ? Effect.logInfo("no labelled task yet: nothing to train on") : train(labelled))),
        Effect.catchAllCause((cause) => Effect.logInfo(`not retrained: ${describeFailure(cause)}`))
      )
    const loop = Effect.gen(function* () {
      for (let job = yield* next; job !== undefined; job = yield* next) yield* runJob(job)
    })
    const scope = yield* Effect.scope

    return {
      current: Effect.sync(() => current),
      retrain: (labelled) =>
        Effect.suspend(() => {
          waiting = labelled
          if (running) return Effect.void
          running = true
          return Effect.asVoid(Effect.forkIn(loop, scope))
        }),
      training: Effect.sync(() => running)
    }
  })
