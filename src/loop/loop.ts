import * as Effect from "effect/Effect"
import type { DatasetSplits } from "../data/dataset.js"
import { size } from "../data/dataset.js"
import { DataConfigError } from "../data/errors.js"
import { appendLabeled, emptyLabeledSet, labeledSet, type LabeledSet } from "../data/labeled-set.js"
import { labelIndices, poolFromLabeled, unlabeledIndices } from "../data/pool.js"
import type { InitialSelection } from "../data/split.js"
import type { WriteError } from "../runtime/atomic-write.js"
import { Rng } from "../runtime/rng.js"
import { poolExhausted } from "../stopping/budget.js"
import { anyOf } from "../stopping/combinators.js"
import type { QueriedObservation, StoppingCriterion } from "../stopping/criterion.js"
import { type RoundResult, RunEvent, RunReporter, type RunSummary } from "./events.js"
import { initialSet } from "./initial-set.js"
import type { Progress } from "../runtime/progress.js"
import { type LoopResume, replayStopping, type ResumeError } from "./resume.js"
import { runRound } from "./round.js"
import { type Evaluator, type Observer, Oracle, type OracleError, type Querier, type Trainer } from "./stages.js"

export interface LoopConfig {
  readonly data: DatasetSplits
  readonly nInitLabeled: number
  readonly initialSelection: InitialSelection
  readonly nQuery: number
  /** When to stop; the loop also stops when the pool is exhausted. */
  readonly stopping: StoppingCriterion<any>
  /** Size of the stop set, a seeded sample of the initial unlabelled pool (default 2,000). */
  readonly stopSetSize?: number
  /** Continue a run from its last complete round instead of starting afresh. */
  readonly resume?: LoopResume
}

/**
 * The active-learning loop: the initial set, then `runRound` (`round.ts`) until the stopping
 * criterion or an exhausted pool ends the run, the oracle labelling each query at once. Every
 * round emits a `RoundCompleted` event (results row, observation, checkpoint, test predictions,
 * and the model while it lives); the run ends with `RunFinished`. Every random choice of round r
 * comes from streams named for r, so a run resumed after round r continues exactly as the
 * uninterrupted run would.
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import { Effect, Layer } from "effect"
 * import { Data, Loop, Models, Run, Runtime, Stopping, Strategies } from "deal-active-learning"
 *
 * // A toy dataset: points in [-1, 1]², of class 1 above the diagonal x + y = 0.
 * const data = { train: Data.halfPlane(300, 1), test: Data.halfPlane(200, 2) }
 * const train = { epochs: 20, batchSize: 16, learningRate: 0.05 }
 * const backend = Layer.merge(Runtime.Backend.layer("cpu"), Runtime.Progress.silent)
 *
 * // The loop itself, every stage a service: deal's default stages, the data's labels as the oracle,
 * // no reporter, and a stopping rule (at most 30 labels).
 * const stages = Layer.mergeAll(
 *   Run.defaultStagesLayer({ model: Models.mlp({ hidden: 16 }), strategy: Strategies.leastConfidence, train }),
 *   Loop.groundTruthOracle(data.train),
 *   Layer.succeed(Loop.RunReporter, { report: () => Effect.void })
 * ).pipe(Layer.provideMerge(Runtime.Rng.layer(1)))
 * const summary = await Effect.runPromise(
 *   Loop.runLoop({ data, nInitLabeled: 10, initialSelection: "random", nQuery: 10, stopping: Stopping.maxLabels(30) }).pipe(Effect.provide(stages), Effect.provide(backend))
 * )
 * assert.strictEqual(summary.stop.criterion, "max-labels")
 * assert.strictEqual(summary.stop.labeled, 30)
 * ```
 */
export const runLoop = (
  config: LoopConfig
): Effect.Effect<
  RunSummary,
  DataConfigError | ResumeError | OracleError | WriteError,
  Trainer | Evaluator | Observer | Querier | Oracle | RunReporter | Rng | Progress
> =>
  Effect.gen(function* () {
    const oracle = yield* Oracle
    const reporter = yield* RunReporter
    const rng = yield* Rng
    const { train } = config.data
    const stopping = anyOf([config.stopping, poolExhausted])
    const resume = config.resume
    const startedAt = Date.now() - 1000 * (resume?.observations.at(-1)?.elapsedSeconds ?? 0)
    const acquire = (labeled: LabeledSet, indices: Int32Array) => Effect.map(oracle.label(indices), (answers) => appendLabeled(labeled, labeledSet(indices, answers)))

    const initial = yield* initialSet(train, config.nInitLabeled, config.initialSelection, rng.stream("initial"))
    const stopSet = rng.stream("stop-set").sample(unlabeledIndices(poolFromLabeled(size(train), initial)), config.stopSetSize ?? 2000).sort()
    let labeled: LabeledSet
    let state = stopping.initial
    let queried: QueriedObservation | undefined
    const rounds: Array<RoundResult> = []
    if (resume === undefined) {
      labeled = yield* acquire(emptyLabeledSet, initial)
    } else {
      if (initial.some((i, j) => resume.labeled.indices[j] !== i)) {
        return yield* new DataConfigError({ message: "the checkpoint's labelled set does not start with this spec's initial set" })
      }
      labeled = resume.labeled
      // Only a changed budget can stop here: the saved one did not stop the run.
      state = yield* replayStopping(stopping, resume.observations, { before: resume.observations.length, completed: resume.observations.length - 1 })
      queried = resume.queried
      rounds.push(...resume.rounds)
    }
    let pool = poolFromLabeled(size(train), labeled.indices)

    for (let round = rounds.length; ; round++) {
      const outcome = yield* runRound(
        { round, data: config.data, labeled, candidates: pool, k: config.nQuery, stopSet, queried, startedAt, stopping: { criterion: stopping, state } },
        (query) => acquire(labeled, query.indices)
      )
      rounds.push(outcome.result)
      state = outcome.state ?? state
      if (outcome.stop !== undefined) {
        const summary: RunSummary = { rounds, stop: outcome.stop, testPredicted: outcome.testPredicted }
        yield* reporter.report(RunEvent.RunFinished({ summary }))
        return summary
      }
      if (outcome.query !== undefined) pool = labelIndices(pool, outcome.query.indices)
      labeled = outcome.labeled
      queried = outcome.queried
    }
  })
