import * as Effect from "effect/Effect"
import type { RunSummary } from "../loop/events.js"
import type { ResumeError } from "../loop/resume.js"
import type { OracleError } from "../loop/stages.js"
import type { WriteError } from "../runtime/atomic-write.js"
import type { Backend } from "../runtime/backend.js"
import type { Progress } from "../runtime/progress.js"
import { type ActiveLearningConfig, activeLearning } from "./active-learning.js"
import type { LockError } from "./lock.js"
import { type PrepareError, prepareRun } from "./prepare.js"
import { encodeSpec, type ResolvedExperiment, resolveSpec } from "./spec.js"

export { SpecError } from "./spec.js"

export interface ExperimentOptions {
  /** The run directory (nothing is written without one). */
  readonly out?: string
  /** How to treat what `out` holds (default `new`: refuse another run). */
  readonly mode?: ActiveLearningConfig["mode"]
  /** Continue from a checkpoint (see `resumeExperiment`). */
  readonly resume?: ActiveLearningConfig["resume"]
  /** Another reporter for the run's events (a grid's progress display), besides the run directory. */
  readonly reporter?: ActiveLearningConfig["reporter"]
}

export type ExperimentError = PrepareError | ResumeError | OracleError | WriteError | LockError

/**
 * Runs an experiment spec (as `deal run` does): resolves it (`resolveSpec`), loads the dataset,
 * and runs the loop, writing the run directory `out` when given. Every input is validated
 * before anything is written to `out`.
 */
export const runExperiment = (
  input: unknown,
  options: ExperimentOptions = {}
): Effect.Effect<RunSummary, ExperimentError, Backend | Progress> =>
  Effect.flatMap(resolveSpec(input), (resolved) => runResolved(resolved, options))

/** Runs a resolved experiment (see `runExperiment`). */
export const runResolved = (
  resolved: ResolvedExperiment,
  options: ExperimentOptions = {}
): Effect.Effect<RunSummary, ExperimentError, Backend | Progress> =>
  Effect.gen(function* () {
    const prepared = yield* prepareRun(resolved)
    const { spec, strategy } = resolved
    return yield* activeLearning({
      data: prepared.data,
      model: prepared.model,
      strategy,
      train: prepared.train,
      query: prepared.query,
      nInitLabeled: spec.nInitLabeled,
      initialSelection: spec.initialSelection,
      nQuery: spec.nQuery,
      nRound: spec.nRound,
      seed: spec.seed,
      stopping: resolved.stopping,
      spec: encodeSpec(spec),
      out: options.out,
      mode: options.mode,
      resume: options.resume,
      reporter: options.reporter
    })
  })
