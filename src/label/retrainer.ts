/**
 * What a labelling session asks of its background training: a new model on every label so far,
 * measured on the test split, observed on the stop set, made to choose the next items, and
 * recorded as the run's next round. `stageRetrainer` does it with the loop's stages (Trainer,
 * Evaluator, Observer, Querier) in this thread; `retrain-thread.ts` does the same in a worker
 * thread, so that the server's thread answers people while models train.
 */
import { Context, Data, Effect } from "effect"
import { type Dataset, numClasses } from "../data/dataset.js"
import { poolFromLabeled } from "../data/pool.js"
import { RunEvent, type RoundResult, RunReporter } from "../loop/events.js"
import { Evaluator, Observer, Querier, Trainer } from "../loop/stages.js"
import { RandomStream } from "../runtime/random.js"
import type { Observation } from "../stopping/criterion.js"

export class RetrainError extends Data.TaggedError("RetrainError")<{ readonly message: string }> {}

export interface RetrainInput {
  /** The run's round: model `round + 1`. */
  readonly round: number
  /** The labelled pool indices and their classes, aligned. */
  readonly indices: Int32Array
  readonly labels: Int32Array
  /** Every answered pool index (labels, skips, "not sure"): out of the pool the model chooses from. */
  readonly answered: Int32Array
  /** Items the model chooses (fewer when fewer are left). */
  readonly k: number
  /** Seconds since the run started (its first session). */
  readonly elapsedSeconds: number
}

/** A retrained model's round: its results row (`queried`: the items it chose, best first) and observation. */
export interface Retrained {
  readonly result: RoundResult
  readonly observation: Observation
}

export class Retrainer extends Context.Tag("deal/Retrainer")<
  Retrainer,
  { readonly retrain: (input: RetrainInput) => Effect.Effect<Retrained, RetrainError> }
>() {}

export interface StageRetrainerConfig {
  readonly pool: Dataset
  readonly test: Dataset
  /** Seeds the stop set. */
  readonly seed: number
  /** Where each round goes (default: nowhere). */
  readonly reporter?: RunReporter["Type"]
  /** Pool items the stop-set criteria watch (default 2000). */
  readonly stopSetSize?: number
}

const metricsOfNothing = { accuracy: Number.NaN, macroF1: Number.NaN, loss: Number.NaN }

/**
 * The retrainer built from the loop's stages, in this thread. It remembers what each model
 * thought of the items it chose, for the next round's observation (selected-accuracy,
 * max-confidence); the round is reported whole or not at all.
 */
export const stageRetrainer = (config: StageRetrainerConfig): Effect.Effect<Retrainer["Type"], never, Trainer | Evaluator | Observer | Querier> =>
  Effect.gen(function* () {
    const trainer = yield* Trainer
    const evaluator = yield* Evaluator
    const observer = yield* Observer
    const querier = yield* Querier
    const { pool, test } = config
    const reporter = config.reporter ?? RunReporter.none
    const size = pool.y.length
    const stopSet = RandomStream.make(config.seed, "label", "stop-set").sample(Int32Array.from({ length: size }, (_, i) => i), config.stopSetSize ?? 2000).sort()
    let chosen: { readonly indices: Int32Array; readonly predicted: Int32Array; readonly entropy: Float32Array } | undefined
    return {
      retrain: ({ round, indices, labels, answered, k, elapsedSeconds }) =>
        Effect.scoped(
          Effect.gen(function* () {
            const started = Date.now()
            const trained = yield* trainer.train({ round, data: pool, indices, labels })
            const { model } = trained
            const trainSeconds = (Date.now() - started) / 1000
            const evaluation = test.y.length === 0 ? undefined : yield* evaluator.evaluate(model, test)
            // What the last model thought of the items it chose that have a label now.
            const labelOf = new Map(Array.from(indices, (index, j) => [index, labels[j]]))
            const last = chosen
            const seen = last === undefined ? [] : Array.from(last.indices.keys()).filter((j) => labelOf.has(last.indices[j]))
            const unlabeled = size - answered.length
            const observation: Observation = {
              round,
              labeled: indices.length,
              unlabeled,
              elapsedSeconds,
              numClasses: numClasses(pool),
              test: evaluation?.metrics ?? metricsOfNothing,
              stopSet: yield* observer.observe({ round, model, data: pool, stopSet }),
              ...(last === undefined || seen.length === 0
                ? {}
                : {
                    queried: {
                      predicted: Int32Array.from(seen, (j) => last.predicted[j]),
                      entropy: Float32Array.from(seen, (j) => last.entropy[j]),
                      labels: Int32Array.from(seen, (j) => labelOf.get(last.indices[j])!)
                    }
                  })
            }
            const query = unlabeled === 0 ? undefined : yield* querier.query({ round, model, data: pool, pool: poolFromLabeled(size, answered), k: Math.min(k, unlabeled) })
            const result: RoundResult = {
              round,
              labeled: indices.length,
              accuracy: observation.test.accuracy,
              macroF1: observation.test.macroF1,
              testLoss: observation.test.loss,
              trainLoss: trained.loss,
              trainSeconds,
              scoreSeconds: query?.scoreSeconds ?? 0,
              selectSeconds: query?.selectSeconds ?? 0,
              queried: query === undefined ? [] : Array.from(query.indices)
            }
            yield* reporter
              .report(RunEvent.RoundCompleted({ result, observation, checkpoint: { round, labeled: indices, labels }, testPredicted: evaluation?.predicted ?? new Int32Array(0), model }))
              .pipe(Effect.uninterruptible, Effect.mapError((e) => new RetrainError({ message: `${e.file}: ${e.message}` })))
            chosen = query === undefined ? undefined : { indices: query.indices, predicted: query.chosen.predictions, entropy: query.chosen.entropy }
            return { result, observation }
          })
        )
    }
  })
