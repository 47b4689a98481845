import { Effect } from "effect"
import type { DatasetSplits } from "../data/dataset.js"
import { numClasses, size } from "../data/dataset.js"
import type { DataConfigError } from "../data/errors.js"
import { labelIndices, poolFromLabeled, unlabeledCount, type Pool } from "../data/pool.js"
import { type InitialSelection, initialIndices } from "../data/split.js"
import { Rng } from "../runtime/rng.js"
import { timedSeconds } from "../runtime/timing.js"
import { anyOf, type StoppingCriterion } from "../stopping/criterion.js"
import { poolExhausted } from "../stopping/budget.js"
import type { ReportError } from "../report/errors.js"
import { type RoundResult, RunEvent, RunReporter, type RunSummary } from "./events.js"
import { Progress } from "./progress.js"
import { Evaluator, Oracle, type OracleError, Querier, Trainer } from "./stages.js"

export interface LoopConfig {
  readonly data: DatasetSplits
  readonly nInitLabeled: number
  readonly initialSelection: InitialSelection
  readonly nQuery: number
  /** When to stop; the loop also stops when the pool is exhausted. */
  readonly stopping: StoppingCriterion<any>
}

/**
 * The active-learning loop. Round r: train on the labelled set → evaluate on the test set →
 * ask the stopping criterion → (unless it stops) score and select `nQuery` unlabelled examples →
 * the oracle labels them. Every round emits a `RoundCompleted` event; the run ends with
 * `RunFinished`. Each round's model and tensors live in the round's scope and are freed with it.
 */
export const runLoop = (
  config: LoopConfig
): Effect.Effect<
  RunSummary,
  DataConfigError | OracleError | ReportError,
  Trainer | Evaluator | Querier | Oracle | RunReporter | Rng | Progress
> =>
  Effect.gen(function* () {
    const trainer = yield* Trainer
    const evaluator = yield* Evaluator
    const querier = yield* Querier
    const oracle = yield* Oracle
    const reporter = yield* RunReporter
    const progress = yield* Progress
    const rng = yield* Rng
    const { train, test } = config.data
    const stopping = anyOf([config.stopping, poolExhausted])
    const started = Date.now()

    const labels = new Int32Array(size(train)).fill(-1)
    const acquire = (pool: Pool, indices: Int32Array) =>
      Effect.map(oracle.label(indices), (answers) => {
        answers.forEach((label, j) => (labels[indices[j]] = label))
        return labelIndices(pool, indices)
      })

    const initial = yield* initialIndices(train.y, numClasses(train), config.nInitLabeled, config.initialSelection, rng.stream("initial"))
    let pool = yield* acquire(poolFromLabeled(size(train), []), initial)
    let state = stopping.initial
    const rounds: Array<RoundResult> = []

    for (let round = 0; ; round++) {
      const step = yield* Effect.scoped(
        Effect.gen(function* () {
          const [trained, trainSeconds] = yield* timedSeconds(
            trainer.train({ round, data: train, indices: pool.labeled, labels: pool.labeled.map((i) => labels[i]) })
          )
          const metrics = yield* evaluator.evaluate(trained.model, test)
          const [next, decision] = stopping.step(state, {
            round,
            labeled: pool.labeled.length,
            unlabeled: unlabeledCount(pool),
            elapsedSeconds: (Date.now() - started) / 1000,
            test: metrics
          })
          state = next
          const query =
            decision._tag === "Stop"
              ? { indices: new Int32Array(0), scoreSeconds: 0, selectSeconds: 0 }
              : yield* querier.query({ round, model: trained.model, data: train, pool, k: config.nQuery })
          yield* progress.clear
          const result: RoundResult = {
            round,
            labeled: pool.labeled.length,
            accuracy: metrics.accuracy,
            macroF1: metrics.macroF1,
            testLoss: metrics.loss,
            trainLoss: trained.loss,
            trainSeconds,
            scoreSeconds: query.scoreSeconds,
            selectSeconds: query.selectSeconds,
            queried: Array.from(query.indices)
          }
          return { result, decision, query: query.indices }
        })
      )
      rounds.push(step.result)
      yield* reporter.report(RunEvent.RoundCompleted({ result: step.result }))
      if (step.decision._tag === "Stop") {
        const summary: RunSummary = {
          rounds,
          stop: { ...step.decision, round, labeled: pool.labeled.length }
        }
        yield* reporter.report(RunEvent.RunFinished({ summary }))
        return summary
      }
      pool = yield* acquire(pool, step.query)
    }
  })
