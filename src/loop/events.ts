import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type { LabeledSet } from "../data/labeled-set.js"
import type { WriteError } from "../runtime/atomic-write.js"
import type * as tfl from "@tensorflow/tfjs-layers"
import type { Decision, Observation, QueriedObservation } from "../stopping/criterion.js"

/** One row of the results table: the model of round r, and the query it made. */
export interface RoundResult {
  readonly round: number
  /** Labels the round's model was trained on. */
  readonly labeled: number
  readonly accuracy: number
  readonly macroF1: number
  readonly testLoss: number
  readonly trainLoss: number
  readonly trainSeconds: number
  readonly scoreSeconds: number
  readonly selectSeconds: number
  /** Pool indices queried after this round (empty in the last round). */
  readonly queried: ReadonlyArray<number>
}

export type StopDecision = Extract<Decision, { readonly _tag: "Stop" }>

export interface RunSummary {
  readonly rounds: ReadonlyArray<RoundResult>
  readonly stop: StopDecision & { readonly round: number; readonly labeled: number }
  /** The last round's predicted class for each test example. */
  readonly testPredicted: Int32Array
}

/**
 * Everything needed to continue a run after round r (with the results and observations of
 * rounds 0..r): the pool once round r's query was labelled (or, when the run stopped at r, the
 * pool round r trained on).
 */
export interface LoopCheckpoint {
  readonly round: number
  /** The labelled set in acquisition order, round r's query included. */
  readonly labeled: LabeledSet
  /** What round r's model thought of the batch it queried, for round r + 1's observation. */
  readonly queried?: QueriedObservation
  /** Why the run stopped at round r (absent: it goes on). */
  readonly stop?: RunSummary["stop"]
}

export type RunEvent = Data.TaggedEnum<{
  /**
   * Round r is done: its results row, its observation, the checkpoint to continue from, its
   * test predictions and its model (alive only while the event is reported: a reporter that
   * keeps it serialises it then).
   */
  RoundCompleted: {
    readonly result: RoundResult
    readonly observation: Observation
    readonly checkpoint: LoopCheckpoint
    readonly testPredicted: Int32Array
    readonly model: tfl.LayersModel
  }
  RunFinished: { readonly summary: RunSummary }
}>
export const RunEvent = Data.taggedEnum<RunEvent>()

/**
 * Where the loop's events go: a run directory, the console, a user's dashboard.
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
 * // Where the loop's events go besides the run directory: here, each round's accuracy.
 * const accuracies: Array<number> = []
 * const reporter: Loop.RunReporter["Type"] = {
 *   report: (event) => (event._tag === "RoundCompleted" ? Effect.sync(() => accuracies.push(event.result.accuracy)) : Effect.void)
 * }
 * await Effect.runPromise(
 *   Run.activeLearning({ data, model: Models.mlp({ hidden: 16 }), strategy: Strategies.entropy, train, nInitLabeled: 10, nQuery: 10, nRound: 2, seed: 1, reporter }).pipe(
 *     Effect.provide(backend)
 *   )
 * )
 * assert.strictEqual(accuracies.length, 3)
 * ```
 */
export class RunReporter extends Context.Tag("deal/RunReporter")<
  RunReporter,
  { readonly report: (event: RunEvent) => Effect.Effect<void, WriteError> }
>() {
  static readonly none = { report: () => Effect.void }
}

/** Sends every event to each reporter in turn. */
export const combineReporters = (
  ...reporters: ReadonlyArray<RunReporter["Type"]>
): RunReporter["Type"] => ({
  report: (event) => Effect.forEach(reporters, (r) => r.report(event), { discard: true })
})
