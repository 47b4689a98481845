import { access } from "node:fs/promises"
import { join } from "node:path"
import * as aq from "arquero"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type { Dataset } from "../data/dataset.js"
import { DataError } from "../data/errors.js"
import { type LabeledSet, labeledSet } from "../data/labeled-set.js"
import type { RoundResult } from "../loop/events.js"
import { type ModelArtifacts, modelFiles, readWeights } from "../models/weights.js"
import { removeIfExists, writeDirAtomic, writeFileAtomic } from "../runtime/atomic-write.js"
import type { WriteError } from "../runtime/atomic-write.js"
import type { Observation, QueriedObservation } from "../stopping/criterion.js"
import { decodeObservation, decodeQueried, EncodedObservation, EncodedQueried, encodeObservation, encodeQueried, Metric } from "./observation-codec.js"
import { formatIssues, readJsonFile, readText, writeJsonFile } from "./json-file.js"
import { ExperimentSpec } from "./spec.js"
import { runFile } from "./run-file-names.js"

/**
 * The run directory's format: every file of a run, its Schema and its one reader and writer.
 * No module outside `src/run` names or parses one of these files.
 *
 * | file | written | holds |
 * |---|---|---|
 * | `spec.json` | with the first round | the resolved spec (every default filled in) |
 * | `results.json` | every round | the rounds' results, the backend of each, why the run stopped |
 * | `results.csv` | every round | the deterministic metrics: same seed and backend, same bytes |
 * | `timings.csv` | every round | seconds per stage |
 * | `observations.jsonl` | every round | what the stopping criteria saw, one line per round |
 * | `predictions.csv` | every round | the latest model's test predictions |
 * | `models/round-NNNN/` | every round | the round's model (tfjs format; the last two are kept) |
 * | `checkpoint.json` | every round, last | the complete round a resume continues after, and whether the run finished |
 * | `label.json` | when `deal label` starts | what a labelling run labels and how (`label-spec.ts`) |
 * | `labels.jsonl` | every answer (`deal label`) | people's answers and undos, one line each, flushed before acknowledged (`labels-log.ts`) |
 * | `.lock` | while a process writes | the writer's pid and host |
 * | `stopping.csv`, `stopping.svg` | by `deal stop-analysis` | where each stopping criterion stops |
 */
export { runFile }

export const modelDir = (round: number): string => join("models", `round-${String(round).padStart(4, "0")}`)

const exists = (path: string) => Effect.promise(() => access(path).then(() => true, () => false))

// --- spec.json ----------------------------------------------------------------------------

/** `DIR/spec.json`, decoded (defaults filled in). */
export const readSpecFile = (dir: string): Effect.Effect<ExperimentSpec, DataError> =>
  readJsonFile(join(dir, runFile.spec), ExperimentSpec, "a deal run spec", "no spec.json: not a run directory written by deal run")

/** Any JSON object: a deal run's encoded spec, or a description of a pipeline built in code. */
const SpecRecord = Schema.Record({ key: Schema.String, value: Schema.Unknown })

export const writeSpecFile = (dir: string, spec: Readonly<Record<string, unknown>>): Effect.Effect<void, WriteError> =>
  writeJsonFile(join(dir, runFile.spec), SpecRecord, spec)

/** Whether `dir` holds a run (a spec.json). */
export const holdsRun = (dir: string): Effect.Effect<boolean> => exists(join(dir, runFile.spec))

// --- results.json, results.csv, timings.csv -------------------------------------------------

const RoundResultSchema = Schema.Struct({
  round: Schema.Int,
  labeled: Schema.Int,
  accuracy: Metric,
  macroF1: Metric,
  testLoss: Metric,
  trainLoss: Schema.Number,
  trainSeconds: Schema.Number,
  scoreSeconds: Schema.Number,
  selectSeconds: Schema.Number,
  queried: Schema.Array(Schema.Int),
  /** The backend the round ran on (absent in runs written before it was recorded per round). */
  backend: Schema.optional(Schema.String)
})
export type RecordedRound = typeof RoundResultSchema.Type

export const StopRecord = Schema.Struct({
  _tag: Schema.optional(Schema.Literal("Stop")),
  criterion: Schema.String,
  reason: Schema.String,
  round: Schema.Int,
  labeled: Schema.Int
})
export type StopRecord = typeof StopRecord.Type

export const ResultsFile = Schema.Struct({
  spec: Schema.Unknown,
  /** Runs written before the backend was recorded per round name one for the whole run. */
  backend: Schema.optional(Schema.String),
  stop: Schema.NullOr(StopRecord),
  rounds: Schema.Array(RoundResultSchema)
})
export type ResultsFile = typeof ResultsFile.Type

/** The deterministic columns of `results.csv`: the same seed on the same backend gives the same bytes. */
export const resultColumns = ["round", "labeled", "accuracy", "macro_f1", "test_loss", "train_loss"] as const
/** Wall-clock columns, kept in `results.json` and `timings.csv` only. */
export const timingColumns = ["train_seconds", "score_seconds", "select_seconds"] as const

/** The per-round results as an arquero table (snake_case columns). */
export const resultsTable = (rounds: ReadonlyArray<RoundResult>) =>
  aq.from(
    rounds.map((r) => ({
      round: r.round,
      labeled: r.labeled,
      accuracy: r.accuracy,
      macro_f1: r.macroF1,
      test_loss: r.testLoss,
      train_loss: r.trainLoss,
      train_seconds: r.trainSeconds,
      score_seconds: r.scoreSeconds,
      select_seconds: r.selectSeconds
    }))
  )

export const readResultsFile = (dir: string): Effect.Effect<ResultsFile, DataError> =>
  readJsonFile(join(dir, runFile.results), ResultsFile, "deal run results", "no results.json: the run has not completed a round yet")

/** `results.json` if the run has one yet (a grid's run that has not started has none). */
export const readResultsIfAny = (dir: string): Effect.Effect<ResultsFile | undefined, DataError> =>
  Effect.flatMap(exists(join(dir, runFile.results)), (found) => (found ? readResultsFile(dir) : Effect.succeed(undefined)))

/** Writes `results.json`, `results.csv` and `timings.csv` from the same rounds. */
export const writeResultsFiles = (dir: string, results: ResultsFile): Effect.Effect<void, WriteError> => {
  const table = resultsTable(results.rounds)
  return Effect.all(
    [
      writeFileAtomic(join(dir, runFile.resultsCsv), table.select(...resultColumns).toCSV()),
      writeFileAtomic(join(dir, runFile.timings), table.select("round", ...timingColumns).toCSV()),
      writeJsonFile(join(dir, runFile.results), ResultsFile, results)
    ],
    { discard: true }
  )
}

// --- observations.jsonl ---------------------------------------------------------------------

const decodeLine = Schema.decodeUnknownEither(Schema.parseJson(EncodedObservation))

/** The observations a run recorded, one per round, from `DIR/observations.jsonl`. */
export const readObservations = (dir: string): Effect.Effect<ReadonlyArray<Observation>, DataError> => {
  const file = join(dir, runFile.observations)
  return Effect.flatMap(readText(file, "no observations.jsonl: the run has not completed a round yet"), (text) =>
    Effect.forEach(
      text.split("\n").map((line, i) => [line, i + 1] as const).filter(([line]) => line.trim() !== ""),
      ([line, n]) =>
        Either.match(decodeLine(line), {
          onLeft: (e) => Effect.fail(new DataError({ file, reason: "bad-format", message: `line ${n}: not an observation: ${formatIssues(e)}` })),
          onRight: (o) => Effect.succeed(decodeObservation(o))
        })
    )
  )
}

export const writeObservations = (dir: string, observations: ReadonlyArray<Observation>): Effect.Effect<void, WriteError> =>
  writeFileAtomic(join(dir, runFile.observations), observations.map((o) => JSON.stringify(encodeObservation(o)) + "\n").join(""))

// --- predictions.csv --------------------------------------------------------------------------

/** A model's test predictions, one row per test example (DalMax's predictions file). */
export const predictionsTable = (test: Dataset, predicted: Int32Array) =>
  aq.table({
    index: Array.from({ length: predicted.length }, (_, i) => i),
    true_class: Array.from(test.y, (c) => test.classNames[c]),
    predicted_class: Array.from(predicted, (c) => test.classNames[c]),
    correct: Array.from(predicted, (c, i) => c === test.y[i]),
    id: test.ids ? [...test.ids] : Array.from({ length: predicted.length }, (_, i) => String(i))
  })

export const writePredictions = (dir: string, test: Dataset, predicted: Int32Array): Effect.Effect<void, WriteError> =>
  writeFileAtomic(join(dir, runFile.predictions), predictionsTable(test, predicted).toCSV())

// --- models/round-NNNN/ ------------------------------------------------------------------------

/** Writes round `round`'s model and removes the one two rounds before (the last two are kept). */
export const writeRoundModel = (dir: string, round: number, artifacts: ModelArtifacts): Effect.Effect<void, WriteError> => {
  const files = modelFiles(artifacts)
  return Effect.zipRight(
    writeDirAtomic(join(dir, modelDir(round)), { "model.json": files.json, "weights.bin": files.weights }),
    round >= 2 ? removeIfExists(join(dir, modelDir(round - 2))) : Effect.void
  )
}

/** Round `round`'s saved weights (to warm-start the next round of a resumed run). */
export const readRoundWeights = (dir: string, round: number): Effect.Effect<ReadonlyArray<Float32Array>, DataError> =>
  readWeights(join(dir, modelDir(round)))

// --- checkpoint.json ------------------------------------------------------------------------------

/** What decides float order: a resume under another one would not continue the same run. */
export const ComputeRecord = Schema.Struct({
  backend: Schema.String,
  /** @tensorflow/tfjs-core's version. */
  tfjs: Schema.String,
  /** The version of deal's own kernels (src/runtime). */
  kernels: Schema.String,
  /** On webgpu: the adapter. */
  device: Schema.optional(Schema.String)
})
export type ComputeRecord = typeof ComputeRecord.Type

const CheckpointFile = Schema.Struct({
  round: Schema.Int,
  /** True once every final file is in place (written last). */
  finished: Schema.Boolean,
  /** Why the run stopped at `round` (absent: it went on). */
  stop: Schema.optional(StopRecord),
  labeled: Schema.Array(Schema.Int),
  labels: Schema.Array(Schema.Int),
  queried: Schema.optional(EncodedQueried),
  /** The round's model, relative to the run directory. */
  model: Schema.String,
  /** Absent in runs written before it was recorded. */
  compute: Schema.optional(ComputeRecord)
})

/**
 * `checkpoint.json`: the pool after round `round` (its query labelled, unless the run stopped
 * there), written after every other file of the round, so it always names a complete round.
 */
export interface Checkpoint {
  readonly round: number
  readonly finished: boolean
  readonly stop?: StopRecord
  readonly labeled: LabeledSet
  readonly queried?: QueriedObservation
  readonly model: string
  readonly compute?: ComputeRecord
}

export const readCheckpoint = (dir: string): Effect.Effect<Checkpoint, DataError> =>
  Effect.map(
    readJsonFile(join(dir, runFile.checkpoint), CheckpointFile, "a deal checkpoint", "no checkpoint: the run has not completed a round yet"),
    (c) => ({
      ...c,
      labeled: labeledSet(c.labeled, c.labels),
      queried: c.queried === undefined ? undefined : decodeQueried(c.queried)
    })
  )

export const writeCheckpoint = (dir: string, c: Checkpoint): Effect.Effect<void, WriteError> =>
  writeJsonFile(join(dir, runFile.checkpoint), CheckpointFile, {
    ...c,
    labeled: Array.from(c.labeled.indices),
    labels: Array.from(c.labeled.labels),
    queried: c.queried === undefined ? undefined : encodeQueried(c.queried)
  }, { compact: true })

/** Whether `dir` has a checkpoint (the run completed at least one round). */
export const hasCheckpoint = (dir: string): Effect.Effect<boolean> => exists(join(dir, runFile.checkpoint))

/**
 * The final files a finished run must have, beyond its checkpoint: the ones missing from
 * `dir` (a run marked finished by an older deal before they were written lacks some).
 */
export const missingFinalFiles = (dir: string, round: number): Effect.Effect<ReadonlyArray<string>> =>
  Effect.filter([runFile.results, runFile.resultsCsv, runFile.observations, runFile.predictions, join(modelDir(round), "model.json")], (f) =>
    Effect.map(exists(join(dir, f)), (e) => !e)
  )


/** How far a run directory has got: not started, the last complete round, or finished. */
export type RunProgress =
  | { readonly _tag: "NotStarted" }
  | { readonly _tag: "Unfinished"; readonly round: number }
  | { readonly _tag: "Finished"; readonly round: number }

export const runProgress = (dir: string): Effect.Effect<RunProgress> =>
  Effect.map(Effect.either(readCheckpoint(dir)), (c): RunProgress =>
    c._tag === "Left" ? { _tag: "NotStarted" } : c.right.finished ? { _tag: "Finished", round: c.right.round } : { _tag: "Unfinished", round: c.right.round }
  )
