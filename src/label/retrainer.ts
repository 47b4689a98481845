/**
 * What a labelling session asks of its background training: a new model on every label so far,
 * measured on the test split, observed on the stop set, made to choose the next items, and
 * recorded as the run's next round. `stageRetrainer` does it with the loop's stages (Trainer,
 * Evaluator, Observer, Querier) in this thread; `retrain-thread.ts` does the same in a worker
 * thread, so that the server's thread answers people while models train.
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type { Dataset } from "../data/dataset.js"
import type { LabeledSet } from "../data/labeled-set.js"
import { poolFromLabeled } from "../data/pool.js"
import { type RoundResult, RunReporter } from "../loop/events.js"
import type { Progress } from "../runtime/progress.js"
import { type Chosen, queriedObservation, runRound } from "../loop/round.js"
import type { Evaluator, Observer, Querier, Trainer } from "../loop/stages.js"
import { RandomStream } from "../runtime/random.js"
import type { Observation } from "../stopping/criterion.js"

export class RetrainError extends Data.TaggedError("RetrainError")<{ readonly message: string }> {}

export interface RetrainInput {
  /** The run's round: model `round + 1`. */
  readonly round: number
  /** The labelled pool indices and their classes. */
  readonly labeled: LabeledSet
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

/**
 * The retrainer built from the loop's own round (`runRound`), in this thread: the same stages
 * and round as `deal run`, with the labels coming later, from people. It remembers what each
 * model thought of the items it chose, for the next round's observation (selected-accuracy,
 * max-confidence); the round is reported whole or not at all.
 */
export const stageRetrainer = (
  config: StageRetrainerConfig
): Effect.Effect<Retrainer["Type"], never, Trainer | Evaluator | Observer | Querier | Progress> =>
  Effect.map(Effect.context<Trainer | Evaluator | Observer | Querier | Progress>(), (stages) => {
    const { pool, test } = config
    const size = pool.y.length
    const stopSet = RandomStream.make(config.seed, "label", "stop-set").sample(Int32Array.from({ length: size }, (_, i) => i), config.stopSetSize ?? 2000).sort()
    let chosen: Chosen | undefined
    return {
      retrain: ({ round, labeled, answered, k, elapsedSeconds }) =>
        runRound(
          {
            round,
            data: { train: pool, test },
            labeled,
            candidates: poolFromLabeled(size, answered),
            k,
            stopSet,
            ...(chosen === undefined ? {} : { queried: queriedObservation(chosen, labeled) }),
            startedAt: Date.now() - 1000 * elapsedSeconds
          },
          // People label the chosen items later: the round's labelled set is the one it trained on.
          () => Effect.succeed(labeled)
        ).pipe(
          Effect.tap(({ query }) => Effect.sync(() => void (chosen = query === undefined ? undefined : { indices: query.indices, summary: query.chosen }))),
          Effect.map(({ result, observation }) => ({ result, observation })),
          Effect.provide(stages),
          Effect.provideService(RunReporter, config.reporter ?? RunReporter.none),
          Effect.mapError((e) => new RetrainError({ message: `${e.file}: ${e.message}` }))
        )
    }
  })
