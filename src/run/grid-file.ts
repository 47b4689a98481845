import { access, rm } from "node:fs/promises"
import { basename, join, resolve } from "node:path"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { DataError } from "../data/errors.js"
import type { WriteError } from "../runtime/atomic-write.js"
import { readJsonFile, writeJsonFile } from "./json-file.js"
import { holdsRun, readSpecFile } from "./run-files.js"
import { ExperimentSpec } from "./spec.js"

/** An accuracy such as `0.95`, written as a string key (`"0.95"`). */
const AccuracyKey = Schema.String.pipe(
  Schema.filter((s) => {
    const n = Number(s)
    return (s.trim() !== "" && Number.isFinite(n) && n > 0 && n <= 1) || `expected an accuracy in (0, 1] such as "0.95", got "${s}"`
  })
)

/**
 * A paper's numbers for the report: per strategy, the labels (or acquired labels: labels
 * beyond the initial set) it needed to first reach each test accuracy.
 */
export const PaperReference = Schema.Struct({
  /** Where the numbers come from, e.g. "Gal, Islam & Ghahramani (2017), Table 1". */
  source: Schema.String,
  /** `acquired`: labels beyond the initial set (as Gal et al. count); `labels`: all labels. */
  unit: Schema.Literal("acquired", "labels"),
  note: Schema.optional(Schema.String),
  /** Per strategy (by the grid's strategy name): its name in the paper and its counts per accuracy. */
  reach: Schema.Record({
    key: Schema.String,
    value: Schema.Struct({ name: Schema.String, labels: Schema.Record({ key: AccuracyKey, value: Schema.Number }) })
  })
})
export type PaperReference = typeof PaperReference.Type

/** What `deal report` adds for a grid. */
export const GridReportOptions = Schema.Struct({
  /** Test accuracies at which to read off the labels each strategy needed (default 0.8, 0.9, 0.95). */
  targets: Schema.optional(Schema.Array(Schema.Number.pipe(Schema.greaterThan(0), Schema.lessThanOrEqualTo(1)))),
  paper: Schema.optional(PaperReference),
  /** Add the stopping summary (`deal stop-analysis` over every run). */
  stopping: Schema.optional(Schema.Boolean)
})
export type GridReportOptions = typeof GridReportOptions.Type

/**
 * What one cell (one run) of a grid needs, for a scheduler: cores, memory (SLURM's units: `4G`)
 * and wall time (`HH:MM:SS` or `D-HH:MM:SS`).
 */
export const GridResources = Schema.Struct({
  cpus: Schema.optional(Schema.Int.pipe(Schema.greaterThanOrEqualTo(1))),
  memory: Schema.optional(Schema.String.pipe(Schema.pattern(/^[1-9]\d*[KMGT]$/, { message: () => "a size in K, M, G or T, such as 4G" }))),
  time: Schema.optional(Schema.String.pipe(Schema.pattern(/^(\d+-)?\d{1,2}:[0-5]\d:[0-5]\d$/, { message: () => "a wall time HH:MM:SS or D-HH:MM:SS, such as 02:00:00" })))
})
export type GridResources = typeof GridResources.Type

/** One run of a grid: its directory (relative to the grid's) and its resolved spec. */
export const GridRun = Schema.Struct({ strategy: Schema.String, seed: Schema.Int, dir: Schema.String, spec: ExperimentSpec })
export type GridRun = typeof GridRun.Type

/** A grid with its profile and overrides applied, as `OUT/grid.json` stores it. */
export const ResolvedGrid = Schema.Struct({
  name: Schema.String,
  description: Schema.String,
  profile: Schema.NullOr(Schema.String),
  /** The profile's own line on what it is for, and the base fields it changes (written since 2026-12). */
  profileAbout: Schema.optional(Schema.String),
  profileChanges: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  strategies: Schema.Array(Schema.String),
  seeds: Schema.Array(Schema.Int),
  /** The spec fields every run shares (as written, before defaults). */
  base: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  report: GridReportOptions,
  /** What each cell needs from a scheduler (`--slurm`, `--k8s`). */
  resources: Schema.optional(GridResources),
  runs: Schema.Array(GridRun)
})
export type ResolvedGrid = typeof ResolvedGrid.Type

export const gridFile = "grid.json"

/** Reads `DIR/grid.json`, written by `deal experiment`. */
export const readGridFile = (dir: string): Effect.Effect<ResolvedGrid, DataError> =>
  readJsonFile(join(dir, gridFile), ResolvedGrid, "a deal grid", "no grid.json: expected a directory written by deal experiment")

/**
 * The grid `deal report` reports on: `DIR/grid.json`, or, for a single run's directory (`deal run`,
 * `deal label`), a grid of that one run, with the stopping summary.
 */
export const readGridOrRun = (dir: string): Effect.Effect<ResolvedGrid, DataError> =>
  Effect.gen(function* () {
    if (yield* holdsGrid(dir)) return yield* readGridFile(dir)
    if (!(yield* holdsRun(dir))) {
      return yield* new DataError({ file: join(dir, gridFile), reason: "unreadable", message: "no grid.json or spec.json: expected a directory written by deal experiment, deal run or deal label (once its first model is trained)" })
    }
    const spec = yield* readSpecFile(dir)
    return {
      name: basename(resolve(dir)),
      description: `the run in ${dir}`,
      profile: null,
      strategies: [spec.strategy],
      seeds: [spec.seed],
      base: { nInitLabeled: spec.nInitLabeled },
      report: { stopping: true },
      runs: [{ strategy: spec.strategy, seed: spec.seed, dir: ".", spec }]
    }
  })

export const writeGridFile = (dir: string, grid: ResolvedGrid): Effect.Effect<void, WriteError> =>
  writeJsonFile(join(dir, gridFile), ResolvedGrid, grid)

/** Whether `dir` holds a grid. */
export const holdsGrid = (dir: string): Effect.Effect<boolean> =>
  Effect.promise(() => access(join(dir, gridFile)).then(() => true, () => false))

/** The paths of a grid directory besides its grid file: its runs, the cells' failures, the SLURM array. */
export const gridPath = {
  /** The run of `run` (its `dir`, `<strategy>/seed-<n>`). */
  run: (out: string, run: Pick<GridRun, "dir">): string => join(out, run.dir),
  /** Why the cell whose run is in `OUT/<dir>` last failed (`deal experiment --cell`). */
  failure: (out: string, dir: string): string => join(out, "failures", `${dir}.json`),
  /** The sbatch script of `deal experiment --slurm`. */
  slurmScript: (out: string): string => join(out, "slurm", "array.sbatch"),
  /** Its tasks' logs, in SLURM's pattern (%A the array job, %a the task). */
  slurmLogs: (out: string): string => join(out, "slurm", "%A_%a.out")
}

/** Why a cell last failed, as `deal experiment status` shows it (`gridPath.failure`). */
export const CellFailure = Schema.Struct({ dir: Schema.String, host: Schema.String, at: Schema.String, message: Schema.String })
export type CellFailure = typeof CellFailure.Type

/** The failure recorded for the run in `OUT/<dir>`, if any. */
export const readCellFailure = (out: string, dir: string) =>
  Effect.option(readJsonFile(gridPath.failure(out, dir), CellFailure, "a deal cell failure", "no failure recorded"))

export const writeCellFailure = (out: string, failure: CellFailure): Effect.Effect<void, WriteError> => writeJsonFile(gridPath.failure(out, failure.dir), CellFailure, failure)

/** Clears the failure recorded for the run in `OUT/<dir>` (none: nothing to do). */
export const clearCellFailure = (out: string, dir: string): Effect.Effect<void> => Effect.promise(() => rm(gridPath.failure(out, dir), { force: true }))
