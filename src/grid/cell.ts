import { rm } from "node:fs/promises"
import { hostname } from "node:os"
import { join, resolve } from "node:path"
import { Cause, Effect, Schema } from "effect"
import type { ResolvedGrid } from "../run/grid-file.js"
import { readJsonFile, writeJsonFile } from "../run/json-file.js"
import { describeFailure, type JobRound, runGridJob } from "./job.js"
import { GridError, recordGrid } from "./runner.js"

/** Why a cell last failed, as `deal experiment status` shows it: `OUT/failures/<strategy>/seed-<n>.json`. */
export const CellFailure = Schema.Struct({ dir: Schema.String, host: Schema.String, at: Schema.String, message: Schema.String })
export type CellFailure = typeof CellFailure.Type

/** Where the failure of the run in `OUT/<dir>` is recorded. */
export const cellFailureFile = (out: string, dir: string): string => join(out, "failures", `${dir}.json`)

/** The failure recorded for the run in `OUT/<dir>`, if any. */
export const readCellFailure = (out: string, dir: string) =>
  Effect.option(readJsonFile(cellFailureFile(out, dir), CellFailure, "a deal cell failure", "no failure recorded"))

/**
 * Cell `cell` of a resolved grid (its place in `grid.runs`, 0-based), run or resumed in this
 * process in `OUT/<strategy>/seed-<n>/`, as one task of a scheduler's array runs it (`deal
 * experiment SPEC --cell I`): the grid file in OUT is written (or must hold this grid), and the
 * run resumes from its last complete round, so a requeued or preempted task goes on where the
 * last one stopped. A failure (not an interruption) is recorded in `OUT/failures/` for
 * `deal experiment status`, and cleared when the cell runs again.
 */
export const runCell = (grid: ResolvedGrid, out: string, cell: number, onRound: (round: JobRound) => void = () => {}) =>
  Effect.gen(function* () {
    if (!(Number.isInteger(cell) && cell >= 0 && cell < grid.runs.length)) {
      return yield* new GridError({ message: `--cell ${cell}: grid '${grid.name}' has cells 0 to ${grid.runs.length - 1} (one per strategy × seed)` })
    }
    yield* recordGrid(grid, out)
    const run = grid.runs[cell]
    const file = cellFailureFile(out, run.dir)
    yield* Effect.promise(() => rm(file, { force: true }))
    return yield* runGridJob({ id: cell, dir: resolve(out, run.dir), spec: run.spec }, onRound).pipe(
      Effect.tapErrorCause((cause) =>
        Cause.isInterruptedOnly(cause)
          ? Effect.void
          : writeJsonFile(file, CellFailure, { dir: run.dir, host: hostname(), at: new Date().toISOString(), message: describeFailure(cause) }).pipe(Effect.ignore)
      )
    )
  })
