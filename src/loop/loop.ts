import { Effect } from "effect"
import type { DatasetSplits } from "../data/dataset.js"
import { featureSize, numClasses, size } from "../data/dataset.js"
import { DataConfigError } from "../data/errors.js"
import { labelIndices, poolFromLabeled, unlabeledCount, unlabeledIndices, type Pool } from "../data/pool.js"
import { type InitialSelection, initialIndices } from "../data/split.js"
import type { ReportError } from "../report/errors.js"
import { Rng } from "../runtime/rng.js"
import { coldStartIndices } from "../strategies/cold-start.js"
import { timedSeconds } from "../runtime/timing.js"
import { poolExhausted } from "../stopping/budget.js"
import { anyOf } from "../stopping/combinators.js"
import type { Observation, QueriedObservation, StoppingCriterion } from "../stopping/criterion.js"
import { type RoundResult, RunEvent, RunReporter, type RunSummary } from "./events.js"
import { Progress } from "./progress.js"
import { Evaluator, Observer, Oracle, type OracleError, Querier, Trainer } from "./stages.js"

/** A resume refused because its budget would have stopped the run at a round it has gone past. */
export const budgetStopsEarlier = (round: number, decision: { readonly criterion: string; readonly reason: string }, completed: number) =>
  new DataConfigError({
    message: `the new budget would have stopped this run at round ${round} (${decision.criterion}: ${decision.reason}), and it has completed round ${completed}: a resumed run can only go on`
  })

/** Where a resumed run picks up: the checkpoint of its last complete round and what came before. */
export interface LoopResume {
  /** Labelled indices in acquisition order and their labels, after the last complete round. */
  readonly labeled: Int32Array
  readonly labels: Int32Array
  readonly queried?: QueriedObservation
  /** Results and observations of rounds 0..r. */
  readonly rounds: ReadonlyArray<RoundResult>
  readonly observations: ReadonlyArray<Observation>
}

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
 * The active-learning loop, which only orchestrates the stages. Round r: train on the labelled
 * set → evaluate on the test (and validation) set → observe the stop set → ask the stopping
 * criterion → (unless it stops) score and select `nQuery` unlabelled examples → the oracle labels
 * them. Every round emits a `RoundCompleted` event (results row, observation, checkpoint, test
 * predictions, and the model while it lives); the run ends with `RunFinished`. Each round's model and tensors live in the round's scope and are freed
 * with it. Every random choice of round r comes from streams named for r, so a run resumed
 * after round r continues exactly as the uninterrupted run would.
 */
export const runLoop = (
  config: LoopConfig
): Effect.Effect<
  RunSummary,
  DataConfigError | OracleError | ReportError,
  Trainer | Evaluator | Observer | Querier | Oracle | RunReporter | Rng | Progress
> =>
  Effect.gen(function* () {
    const trainer = yield* Trainer
    const evaluator = yield* Evaluator
    const querier = yield* Querier
    const observer = yield* Observer
    const oracle = yield* Oracle
    const reporter = yield* RunReporter
    const progress = yield* Progress
    const rng = yield* Rng
    const { train, test, validation } = config.data
    const classes = numClasses(train)
    const stopping = anyOf([config.stopping, poolExhausted])
    const resume = config.resume
    const started = Date.now() - 1000 * (resume?.observations.at(-1)?.elapsedSeconds ?? 0)

    const labels = new Int32Array(size(train)).fill(-1)
    const acquire = (pool: Pool, indices: Int32Array) =>
      Effect.map(oracle.label(indices), (answers) => {
        answers.forEach((label, j) => (labels[indices[j]] = label))
        return labelIndices(pool, indices)
      })

    const initial =
      config.initialSelection === "random" || config.initialSelection === "balanced"
        ? yield* initialIndices(train.y, classes, config.nInitLabeled, config.initialSelection, rng.stream("initial"))
        : config.nInitLabeled > size(train)
          ? yield* new DataConfigError({ message: `n_init_labeled must be in 0..${size(train)}, got ${config.nInitLabeled}` })
          : coldStartIndices(train.x, size(train), featureSize(train), config.nInitLabeled, config.initialSelection, classes, rng.stream("initial"))
    const stopSet = rng.stream("stop-set").sample(unlabeledIndices(poolFromLabeled(size(train), initial)), config.stopSetSize ?? 2000).sort()
    let pool: Pool
    let state = stopping.initial
    let queried: QueriedObservation | undefined
    const rounds: Array<RoundResult> = []
    if (resume === undefined) {
      pool = yield* acquire(poolFromLabeled(size(train), []), initial)
    } else {
      if (initial.some((i, j) => resume.labeled[j] !== i)) {
        return yield* new DataConfigError({ message: "the checkpoint's labelled set does not start with this spec's initial set" })
      }
      pool = poolFromLabeled(size(train), resume.labeled)
      resume.labeled.forEach((i, j) => (labels[i] = resume.labels[j]))
      for (const o of resume.observations) {
        const [next, decision] = stopping.step(state, o)
        state = next
        // Only a changed budget can stop here: the saved one did not stop the run.
        if (decision._tag === "Stop") return yield* budgetStopsEarlier(o.round, decision, resume.observations.length - 1)
      }
      queried = resume.queried
      rounds.push(...resume.rounds)
    }

    for (let round = rounds.length; ; round++) {
      const summary = yield* Effect.scoped(
        Effect.gen(function* () {
          const [trained, trainSeconds] = yield* timedSeconds(
            trainer.train({ round, data: train, indices: pool.labeled, labels: pool.labeled.map((i) => labels[i]) })
          )
          const { model } = trained
          const evaluation = yield* evaluator.evaluate(model, test)
          const validated = validation === undefined ? undefined : yield* evaluator.evaluate(model, validation)
          const observation: Observation = {
            round,
            labeled: pool.labeled.length,
            unlabeled: unlabeledCount(pool),
            elapsedSeconds: (Date.now() - started) / 1000,
            numClasses: classes,
            test: evaluation.metrics,
            validation: validated?.metrics,
            stopSet: yield* observer.observe({ round, model, data: train, stopSet }),
            queried
          }
          const [next, decision] = stopping.step(state, observation)
          state = next
          const query = decision._tag === "Stop" ? undefined : yield* querier.query({ round, model, data: train, pool, k: config.nQuery })
          yield* progress.clear
          const result: RoundResult = {
            round,
            labeled: pool.labeled.length,
            accuracy: evaluation.metrics.accuracy,
            macroF1: evaluation.metrics.macroF1,
            testLoss: evaluation.metrics.loss,
            trainLoss: trained.loss,
            trainSeconds,
            scoreSeconds: query?.scoreSeconds ?? 0,
            selectSeconds: query?.selectSeconds ?? 0,
            queried: query === undefined ? [] : Array.from(query.indices)
          }
          rounds.push(result)
          const stop = decision._tag === "Stop" ? { ...decision, round, labeled: pool.labeled.length } : undefined
          if (query !== undefined) {
            pool = yield* acquire(pool, query.indices)
            queried = { predicted: query.chosen.predictions, entropy: query.chosen.entropy, labels: query.indices.map((i) => labels[i]) }
          }
          // Reported as one step that Ctrl-C does not cut: every reporter sees the round, or none does.
          yield* reporter.report(
            RunEvent.RoundCompleted({
              result,
              observation,
              checkpoint: {
                round,
                labeled: pool.labeled,
                labels: pool.labeled.map((i) => labels[i]),
                ...(stop === undefined && queried !== undefined ? { queried } : {}),
                stop
              },
              testPredicted: evaluation.predicted,
              model
            })
          ).pipe(Effect.uninterruptible)
          return stop === undefined ? undefined : { rounds, stop, testPredicted: evaluation.predicted }
        })
      )
      if (summary !== undefined) {
        yield* reporter.report(RunEvent.RunFinished({ summary }))
        return summary
      }
    }
  })
