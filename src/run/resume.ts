import { join } from "node:path"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import { DataError } from "../data/errors.js"
import type { RunReporter, RunSummary } from "../loop/events.js"
import { replayStopping, ResumeError } from "../loop/resume.js"
import { Backend, computeIdentity } from "../runtime/backend.js"
import { maxRounds, poolExhausted } from "../stopping/budget.js"
import { anyOf } from "../stopping/combinators.js"
import { foldStopping, type Observation } from "../stopping/criterion.js"
import { type ExperimentOptions, runResolved } from "./experiment.js"
import { lockDirectory } from "./lock.js"
import {
  type ComputeRecord, hasCheckpoint, missingFinalFiles, readCheckpoint, readObservations, readResultsFile, readRoundWeights, readSpecFile,
  type RecordedRound, runFile, type StopRecord
} from "./run-files.js"
import { budgetFields, encodeSpec, resolveSpec, SpecError, specDifferences } from "./spec.js"

export type ResumeOutcome = Data.TaggedEnum<{
  /** The run went on from `fromRound`; `redone` says why that round, already recorded, was computed again. */
  Resumed: { readonly summary: RunSummary; readonly fromRound: number; readonly redone?: string }
  AlreadyFinished: { readonly round: number; readonly rounds: ReadonlyArray<RecordedRound>; readonly stop: StopRecord }
}>
export const ResumeOutcome = Data.taggedEnum<ResumeOutcome>()

/** The results, rounds and observations of rounds 0..r, which the checkpoint names as complete. */
const roundsUpTo = (dir: string, r: number) =>
  Effect.gen(function* () {
    const results = yield* readResultsFile(dir)
    const rounds = results.rounds.filter((x) => x.round <= r)
    const observations = (yield* readObservations(dir)).filter((o) => o.round <= r)
    if (rounds.length !== r + 1 || observations.length !== r + 1) {
      return yield* new DataError({
        file: join(dir, runFile.results),
        message: `the checkpoint names round ${r}, but the directory holds ${rounds.length} results and ${observations.length} observations up to it: expected ${r + 1} of each`
      })
    }
    return { results, rounds, observations }
  })

/** The complete rounds a run directory holds, with their observations (none before its first checkpoint). */
export const completedRounds = (dir: string): Effect.Effect<{ readonly rounds: ReadonlyArray<RecordedRound>; readonly observations: ReadonlyArray<Observation> } | undefined, DataError> =>
  Effect.flatMap(hasCheckpoint(dir), (has) => (has ? Effect.flatMap(readCheckpoint(dir), (c) => roundsUpTo(dir, c.round)) : Effect.succeed(undefined)))

const describeCompute = (c: ComputeRecord) => `${c.backend}${c.device === undefined ? "" : ` on ${c.device}`} (tfjs ${c.tfjs}, deal kernels ${c.kernels})`

export interface ResumeOptions {
  readonly reporter?: RunReporter["Type"]
  /** Go on under another backend or versions than the checkpoint's (recorded per round in results.json). */
  readonly allowBackendChange?: boolean
}

/**
 * `deal run --resume DIR`: continues a run from its last complete round (named by
 * `checkpoint.json`), with the spec saved in `DIR/spec.json`. The labelled set and the oracle's
 * labels come from the checkpoint, the stopping criteria's state from replaying the recorded
 * observations, the warm-start weights from the round's saved model; every random choice of a
 * round comes from streams named for that round, so the resumed run writes the same files as an
 * uninterrupted one. A resume whose `given` spec fields differ from the saved spec is refused,
 * naming each difference, unless only its budget (`budgetFields`) differs: the run then goes on
 * under the new budget. A run that stopped is redone from its last round when the new budget
 * would not stop it there (its query was never made), or when it was marked finished without
 * all its final files (as an older deal could leave it); one that never completed a round
 * starts again. A checkpoint computed under another backend or versions is refused unless
 * `allowBackendChange`.
 */
export const resumeExperiment = (dir: string, given: Readonly<Record<string, unknown>> = {}, options: ResumeOptions = {}) =>
  Effect.gen(function* () {
    // Held from the first read to the last write: no other process changes the run in between.
    yield* lockDirectory(dir)
    const saved = encodeSpec(yield* readSpecFile(dir)) as Record<string, unknown>
    const entries = Object.entries(given).filter(([, v]) => v !== undefined)
    const budget = Object.fromEntries(entries.filter(([k]) => budgetFields.includes(k)))
    const differences = specDifferences(saved, Object.fromEntries(entries.filter(([k]) => !budgetFields.includes(k))))
    if (differences.length > 0) {
      return yield* new ResumeError({ message: `cannot resume ${dir} with a different spec: ${differences.join("; ")}` })
    }
    const resolved = yield* resolveSpec({ ...saved, ...budget }, join(dir, runFile.spec))
    const run = (resume?: ExperimentOptions["resume"]) =>
      runResolved(resolved, { out: dir, reporter: options.reporter, ...(resume === undefined ? { mode: { _tag: "restart" as const } } : { resume }) })
    if (!(yield* hasCheckpoint(dir))) {
      return ResumeOutcome.Resumed({ summary: yield* run(), fromRound: 0, redone: "the run had not completed a round: it starts again" })
    }

    const checkpoint = yield* readCheckpoint(dir)
    const now = computeIdentity((yield* Backend).name)
    const was = checkpoint.compute
    if (was !== undefined && (was.backend !== now.backend || was.tfjs !== now.tfjs || was.kernels !== now.kernels || was.device !== now.device) && !options.allowBackendChange) {
      return yield* new ResumeError({
        message: `cannot resume ${dir}: its rounds ran on ${describeCompute(was)}, this process has ${describeCompute(now)}, whose float order differs, so it would not continue the same run; pass --allow_backend_change to go on anyway (each round records its backend)`
      })
    }
    const r = checkpoint.round
    const { results, rounds, observations } = yield* roundsUpTo(dir, r)
    const weightsOf = (round: number) => (resolved.spec.warmStart && round >= 0 ? readRoundWeights(dir, round) : Effect.succeed(undefined))

    const stop = checkpoint.stop ?? results.stop ?? undefined
    if (checkpoint.finished || checkpoint.stop !== undefined) {
      const missing = yield* missingFinalFiles(dir, r)
      const complete = missing.length === 0 && results.stop !== null
      const criterion = anyOf([...resolved.stopping, maxRounds(resolved.spec.nRound), poolExhausted])
      yield* replayStopping(criterion, observations, { before: r, completed: r })
      const first = foldStopping(criterion, observations).first
      if (complete && first?.index === r && stop !== undefined) return ResumeOutcome.AlreadyFinished({ round: r, rounds, stop })
      // Redo round r: it trained on the checkpoint's labelled set, and round r − 1's query led to it.
      const summary = yield* run({
        labeled: checkpoint.labeled,
        queried: observations[r].queried,
        rounds: rounds.slice(0, r),
        observations: observations.slice(0, r),
        weights: yield* weightsOf(r - 1)
      })
      const redone = complete
        ? `the run had stopped at round ${r}; under the new budget it goes on, so round ${r} is redone to make its query`
        : `the run was marked finished at round ${r} without ${missing.length > 0 ? missing.join(", ") : "its stop reason"}: round ${r} is redone to write them`
      return ResumeOutcome.Resumed({ summary, fromRound: r, redone })
    }
    const summary = yield* run({
      labeled: checkpoint.labeled,
      queried: checkpoint.queried,
      rounds,
      observations,
      weights: yield* weightsOf(r)
    })
    return ResumeOutcome.Resumed({ summary, fromRound: r + 1 })
  }).pipe(Effect.scoped)
