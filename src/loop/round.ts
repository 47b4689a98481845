/**
 * One round of active learning, the same for every front end (`deal run`, `deal experiment`,
 * `deal label`, `deal serve`, the library): train on the labelled set → evaluate on the test
 * (and validation) set → observe the stop set → ask the stopping criterion → (unless it stops,
 * or nothing is left) score and select `k` candidates → get their labels → report the round.
 * Front ends differ only in where the labels come from (`acquire`: the oracle at once, or a
 * person later) and where the events go. The round's model and tensors live in its scope and
 * are freed with it.
 */
import * as Effect from "effect/Effect"
import { type Dataset, numClasses, size } from "../data/dataset.js"
import { type LabeledSet, labelOf } from "../data/labeled-set.js"
import { type Pool, unlabeledCount } from "../data/pool.js"
import type { ClassificationMetrics, ProbabilitySummary } from "../models/metrics.js"
import type { WriteError } from "../runtime/atomic-write.js"
import { timedSeconds } from "../runtime/timing.js"
import type { Observation, QueriedObservation, StoppingCriterion } from "../stopping/criterion.js"
import { type RoundResult, RunEvent, RunReporter, type RunSummary } from "./events.js"
import { Progress } from "../runtime/progress.js"
import { Evaluator, Observer, type QueryResult, Querier, Trainer } from "./stages.js"

/** What the model that chose a batch thought of it: the chosen indices and its summary of them. */
export interface Chosen {
  readonly indices: Int32Array
  readonly summary: ProbabilitySummary
}

/**
 * What `chosen`'s model thought of the chosen items that have a label in `labeled`, with those
 * labels (for selected-accuracy and max-confidence); none when none has a label yet.
 */
export const queriedObservation = (chosen: Chosen, labeled: LabeledSet): QueriedObservation | undefined => {
  const label = labelOf(labeled)
  const seen = Array.from(chosen.indices.keys()).filter((j) => label.has(chosen.indices[j]))
  if (seen.length === 0) return undefined
  return {
    predicted: Int32Array.from(seen, (j) => chosen.summary.predictions[j]),
    entropy: Float32Array.from(seen, (j) => chosen.summary.entropy[j]),
    labels: Int32Array.from(seen, (j) => label.get(chosen.indices[j])!)
  }
}

export interface RoundInput<S> {
  readonly round: number
  /** The pool (`train`), the labelled set to measure on (`test`, may be empty) and an optional validation set. */
  readonly data: { readonly train: Dataset; readonly test: Dataset; readonly validation?: Dataset }
  /** What the round's model trains on. */
  readonly labeled: LabeledSet
  /** The pool the query chooses from: its unmarked items (a labelling session also marks what a person skipped). */
  readonly candidates: Pool
  /** Items to query (fewer when fewer candidates are left). */
  readonly k: number
  /** The pool indices the stopping criteria watch. */
  readonly stopSet: Int32Array
  /** What the previous round's model thought of its batch, now labelled. */
  readonly queried?: QueriedObservation
  /** When the run started (ms since the epoch), for the observation's elapsed seconds. */
  readonly startedAt: number
  /** The stopping criterion and its state after the previous rounds (none: never stop, only run out). */
  readonly stopping?: { readonly criterion: StoppingCriterion<S>; readonly state: S }
}

export interface RoundOutcome<S> {
  readonly result: RoundResult
  readonly observation: Observation
  /** The criterion's state after this round. */
  readonly state?: S
  /** Why the run stops here (absent: it goes on). */
  readonly stop?: RunSummary["stop"]
  /** The query this round made (absent when it stopped or had nothing left to choose). */
  readonly query?: QueryResult
  /** The labelled set after the query's labels came (as `acquire` answered). */
  readonly labeled: LabeledSet
  /** What this round's model thought of its query's items that have a label now, for the next round. */
  readonly queried?: QueriedObservation
  /** The round's predicted class of each test example. */
  readonly testPredicted: Int32Array
}

const metricsOfNothing: ClassificationMetrics = { accuracy: Number.NaN, macroF1: Number.NaN, loss: Number.NaN }

/**
 * Runs round `input.round` and reports it (`RoundCompleted`, as one step that an interruption
 * does not cut). `acquire` takes the queried indices and answers the labelled set after them:
 * the oracle's labels appended, or the same set when labels come later.
 */
export const runRound = <S, E>(
  input: RoundInput<S>,
  acquire: (query: QueryResult) => Effect.Effect<LabeledSet, E>
): Effect.Effect<RoundOutcome<S>, E | WriteError, Trainer | Evaluator | Observer | Querier | RunReporter | Progress> =>
  Effect.scoped(
    Effect.gen(function* () {
      const { round, data, labeled, candidates } = input
      const [trained, trainSeconds] = yield* timedSeconds((yield* Trainer).train({ round, data: data.train, labeled }))
      const { model } = trained
      const evaluator = yield* Evaluator
      const evaluation = size(data.test) === 0 ? undefined : yield* evaluator.evaluate(model, data.test)
      const validated = data.validation === undefined ? undefined : yield* evaluator.evaluate(model, data.validation)
      const unlabeled = unlabeledCount(candidates)
      const observation: Observation = {
        round,
        labeled: labeled.indices.length,
        unlabeled,
        elapsedSeconds: (Date.now() - input.startedAt) / 1000,
        numClasses: numClasses(data.train),
        test: evaluation?.metrics ?? metricsOfNothing,
        validation: validated?.metrics,
        stopSet: yield* (yield* Observer).observe({ round, model, data: data.train, stopSet: input.stopSet }),
        queried: input.queried
      }
      const stepped = input.stopping === undefined ? undefined : input.stopping.criterion.step(input.stopping.state, observation)
      const decision = stepped?.[1]
      const stop = decision?._tag === "Stop" ? { ...decision, round, labeled: labeled.indices.length } : undefined
      const query =
        stop !== undefined || unlabeled === 0
          ? undefined
          : yield* (yield* Querier).query({ round, model, data: data.train, pool: candidates, k: Math.min(input.k, unlabeled) })
      yield* (yield* Progress).clear
      const result: RoundResult = {
        round,
        labeled: labeled.indices.length,
        accuracy: observation.test.accuracy,
        macroF1: observation.test.macroF1,
        testLoss: observation.test.loss,
        trainLoss: trained.loss,
        trainSeconds,
        scoreSeconds: query?.scoreSeconds ?? 0,
        selectSeconds: query?.selectSeconds ?? 0,
        queried: query === undefined ? [] : Array.from(query.indices)
      }
      const next = query === undefined ? labeled : yield* acquire(query)
      const queried = query === undefined || stop !== undefined ? undefined : queriedObservation({ indices: query.indices, summary: query.chosen }, next)
      const testPredicted = evaluation?.predicted ?? new Int32Array(0)
      // Reported as one step that Ctrl-C does not cut: every reporter sees the round, or none does.
      yield* (yield* RunReporter)
        .report(
          RunEvent.RoundCompleted({
            result,
            observation,
            checkpoint: { round, labeled: next, ...(queried === undefined ? {} : { queried }), stop },
            testPredicted,
            model
          })
        )
        .pipe(Effect.uninterruptible)
      return { result, observation, ...(stepped === undefined ? {} : { state: stepped[0] }), stop, query, labeled: next, queried, testPredicted }
    })
  )
