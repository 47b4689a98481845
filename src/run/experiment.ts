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
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import { mkdtempSync, readFileSync } from "node:fs"
 * import { tmpdir } from "node:os"
 * import { join } from "node:path"
 * import { Effect, Layer } from "effect"
 * import { Run, Runtime } from "deal-active-learning"
 *
 * // The spec `deal run` writes to spec.json: a small MNIST run, one round of 20 queried by margin.
 * const out = join(mkdtempSync(join(tmpdir(), "deal-")), "run")
 * const spec = { dataset: "mnist", strategy: "margin", model: "mlp", nTrain: 500, nTest: 200, nInitLabeled: 20, nQuery: 20, nRound: 1, epochs: 2, seed: 1 }
 * const summary = await Effect.runPromise(Run.runExperiment(spec, { out }).pipe(Effect.provide(Layer.merge(Runtime.Backend.layer("cpu"), Runtime.Progress.silent))))
 * assert.deepStrictEqual(summary.rounds.map((r) => r.labeled), [20, 40])
 * assert.strictEqual(JSON.parse(readFileSync(join(out, "spec.json"), "utf8")).strategy, "margin")
 * ```
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
