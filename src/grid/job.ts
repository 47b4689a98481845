import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import type { RoundResult } from "../loop/events.js"
import { RunEvent, type RunReporter } from "../loop/events.js"
import { runExperiment } from "../run/experiment.js"
import { resumeExperiment } from "../run/resume.js"
import { encodeSpec, type ExperimentSpec } from "../run/spec.js"
import { holdsRun } from "../run/run-files.js"
import { currentTask } from "../run/lock.js"
import { packRun } from "../run/run-bundle.js"
import type { DataError } from "../data/errors.js"

/** One run of a grid, as sent to a worker: its directory (absolute or from the cwd) and spec. */
export interface GridJob {
  readonly id: number
  readonly dir: string
  readonly spec: ExperimentSpec
  /** The queue job it runs as (`currentTask`), whose earlier attempts' locks are stale. */
  readonly task?: string
  /** Pack the run directory after every round (`JobRound.bundle`), with its models or not. */
  readonly pack?: { readonly weights: boolean }
}

/** A round a job completed (sent to the parent for the progress display). */
export interface JobRound {
  readonly round: number
  readonly labeled: number
  readonly accuracy: number
  /** The run directory as of this round (`packRun`), when the job asked for it. */
  readonly bundle?: string
}

/**
 * How a job ended: `ran` from scratch, `resumed` from its checkpoint, or `skipped` because
 * its checkpoint says it had finished.
 */
export interface JobOutcome {
  readonly status: "ran" | "resumed" | "skipped"
  /** The round the run resumed at (resumed runs). */
  readonly fromRound?: number
  /** Rounds in the run directory at the end. */
  readonly rounds: number
  readonly lastRound: JobRound | null
  readonly seconds: number
}

const toJobRound = (r: RoundResult): JobRound => ({ round: r.round, labeled: r.labeled, accuracy: r.accuracy })

/**
 * A reporter that hands each completed round to `onRound`, with the run directory packed when
 * `pack` is given (the run directory's own reporter has written the round by then).
 */
export const roundReporter = (onRound: (round: JobRound) => void, pack?: Effect.Effect<string, DataError>): RunReporter["Type"] => ({
  report: (event) =>
    RunEvent.$is("RoundCompleted")(event)
      ? pack === undefined
        ? Effect.sync(() => onRound(toJobRound(event.result)))
        : pack.pipe(
            Effect.map((bundle) => onRound({ ...toJobRound(event.result), bundle })),
            // A round whose bundle cannot be read is reported without one (the next round's will do).
            Effect.catchAll(() => Effect.sync(() => onRound(toJobRound(event.result))))
          )
      : Effect.void
})

/**
 * Runs one job of a grid: a directory holding the run is resumed (`resumeExperiment`, which
 * refuses a different spec, skips a finished run, takes up a grown budget and starts again a
 * run that never completed a round); any other directory is run from scratch.
 */
export const runGridJob = (job: GridJob, onRound: (round: JobRound) => void) =>
  Effect.gen(function* () {
    const started = Date.now()
    const reporter = roundReporter(onRound, job.pack === undefined ? undefined : packRun(job.dir, job.pack))
    const ended = (status: JobOutcome["status"], rounds: ReadonlyArray<RoundResult>, fromRound?: number): JobOutcome => {
      const last = rounds.at(-1)
      return {
        status,
        fromRound,
        rounds: rounds.length,
        lastRound: last === undefined ? null : toJobRound(last),
        seconds: (Date.now() - started) / 1000
      }
    }
    if (yield* holdsRun(job.dir)) {
      const outcome = yield* resumeExperiment(job.dir, encodeSpec(job.spec), { reporter })
      return outcome._tag === "AlreadyFinished"
        ? ended("skipped", outcome.rounds)
        : ended("resumed", outcome.summary.rounds, outcome.fromRound)
    }
    const summary = yield* runExperiment(job.spec, { out: job.dir, reporter })
    return ended("ran", summary.rounds)
  }).pipe((run) => (job.task === undefined ? run : Effect.locally(run, currentTask, job.task)))

export { describeFailure } from "../runtime/failure.js"
