import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { Dataset } from "../data/dataset.js"
import type { RunReporter } from "../loop/events.js"
import { modelArtifacts } from "../models/weights.js"
import { sweepTemp } from "../runtime/atomic-write.js"
import type { WriteError } from "../runtime/atomic-write.js"
import type { Observation } from "../stopping/criterion.js"
import { lockDirectory, type LockError } from "./lock.js"
import {
  type ComputeRecord, modelDir, type RecordedRound, readSpecFile, holdsRun, writeCheckpoint, writeObservations, writePredictions,
  writeResultsFiles, writeRoundModel, writeSpecFile
} from "./run-files.js"
import { type ExperimentSpec, SpecError, specDifferences } from "./spec.js"

/**
 * Test-only fault injection: `DEAL_TEST_KILL_AT=ROUND:STEP` kills the process with SIGKILL
 * just before step STEP of round ROUND's writes (`spec`, `model`, `observations`,
 * `predictions`, `results`, `checkpoint`, or `done` after the checkpoint), so that tests can
 * place a kill exactly, the final writes included.
 */
const killPoint = (round: number, step: string): Effect.Effect<void> =>
  Effect.sync(() => {
    if (process.env.DEAL_TEST_KILL_AT === `${round}:${step}`) process.kill(process.pid, "SIGKILL")
  })

export interface RunDirectoryOptions {
  /** What to store as `spec.json`: a deal run's resolved spec, or a description of a pipeline built in code. */
  readonly spec: ExperimentSpec | Readonly<Record<string, unknown>>
  /** The backend and versions that decide float order, recorded in each checkpoint. */
  readonly compute: ComputeRecord
  readonly test: Dataset
  /** This process holds the directory's lock already, in another thread (a labelling server whose worker thread writes the rounds). */
  readonly lockHeld?: boolean
  /**
   * `new`: the directory must not hold a run (a different one is refused, naming what differs);
   * `restart`: it may hold this run, which never completed a round; `resume`: the run goes on
   * after `rounds` (its spec is rewritten, with a new budget, by its first round).
   */
  readonly mode:
    | { readonly _tag: "new" }
    | { readonly _tag: "restart" }
    | { readonly _tag: "resume"; readonly rounds: ReadonlyArray<RecordedRound>; readonly observations: ReadonlyArray<Observation> }
}

/** Refuses a directory that already holds a run, naming what differs from `spec`. */
const refuseExistingRun = (dir: string, spec: RunDirectoryOptions["spec"]): Effect.Effect<void, SpecError> =>
  Effect.gen(function* () {
    if (!(yield* holdsRun(dir))) return
    const saved = yield* Effect.either(readSpecFile(dir))
    const differences =
      saved._tag === "Right" ? specDifferences(saved.right as Record<string, unknown>, spec as Record<string, unknown>, { both: true }) : []
    const what =
      saved._tag === "Left"
        ? "a run deal cannot read"
        : differences.length > 0
          ? `another run (${differences.join("; ")})`
          : "this run already"
    return yield* new SpecError({
      message: `--out ${dir} holds ${what}: continue it with deal run --resume ${dir}, or choose another --out`
    })
  })

/**
 * The run directory as a reporter of the loop's events, for the enclosing scope: takes the
 * directory's writer lock (refusing a second writer), refuses to overwrite another run, sweeps
 * the temporary files of killed writes, then after every round writes, in this order and each
 * atomically, `spec.json` (with the first round), the round's model, `observations.jsonl`,
 * `predictions.csv`, `results.json`/`results.csv`/`timings.csv` (with why the run stopped, in
 * its last round) and, last, `checkpoint.json`, marked `finished` only in the last round: a run
 * killed at any moment leaves its last complete round resumable, and a finished mark means every
 * file is there. The writes of a round are not interrupted by Ctrl-C: it takes effect after them.
 */
export const runDirectoryReporter = (
  dir: string,
  options: RunDirectoryOptions
): Effect.Effect<RunReporter["Type"], WriteError | LockError | SpecError, Scope.Scope> =>
  Effect.gen(function* () {
    if (options.lockHeld !== true) yield* lockDirectory(dir)
    if (options.mode._tag === "new") yield* refuseExistingRun(dir, options.spec)
    yield* sweepTemp(dir)
    const { mode, compute } = options
    const rounds: Array<RecordedRound> = mode._tag === "resume" ? [...mode.rounds] : []
    const observations: Array<Observation> = mode._tag === "resume" ? [...mode.observations] : []
    let specWritten = false
    return {
      report: (event) => {
        if (event._tag !== "RoundCompleted") return Effect.void
        const { checkpoint, result } = event
        const round = result.round
        rounds.push({ ...result, backend: compute.backend })
        observations.push(event.observation)
        const step = (name: string, write: Effect.Effect<void, WriteError>) => Effect.zipRight(killPoint(round, name), write)
        return Effect.gen(function* () {
          const artifacts = yield* modelArtifacts(event.model)
          if (!specWritten) yield* step("spec", writeSpecFile(dir, options.spec))
          specWritten = true
          yield* step("model", writeRoundModel(dir, round, artifacts))
          yield* step("observations", writeObservations(dir, observations))
          yield* step("predictions", writePredictions(dir, options.test, event.testPredicted))
          yield* step("results", writeResultsFiles(dir, { spec: options.spec, stop: checkpoint.stop ?? null, rounds }))
          yield* step(
            "checkpoint",
            writeCheckpoint(dir, {
              round,
              finished: checkpoint.stop !== undefined,
              stop: checkpoint.stop,
              labeled: checkpoint.labeled,
              queried: checkpoint.queried,
              model: modelDir(round),
              compute
            })
          )
          yield* killPoint(round, "done")
        }).pipe(Effect.uninterruptible)
      }
    }
  })
