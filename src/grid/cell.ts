import { hostname } from "node:os"
import { resolve } from "node:path"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import { clearCellFailure, gridPath, type ResolvedGrid, writeCellFailure } from "../run/grid-file.js"
import { describeFailure, type JobRound, runGridJob } from "./job.js"
import { GridError, recordGrid } from "./runner.js"

/**
 * Cell `cell` of a resolved grid (its place in `grid.runs`, 0-based), run or resumed in this
 * process in `OUT/<strategy>/seed-<n>/`, as one task of a scheduler's array runs it (`deal
 * experiment SPEC --cell I`): the grid file in OUT is written (or must hold this grid), and the
 * run resumes from its last complete round, so a requeued or preempted task goes on where the
 * last one stopped. A failure (not an interruption) is recorded (`gridPath.failure`) for
 * `deal experiment status`, and cleared when the cell runs again.
 */
export const runCell = (grid: ResolvedGrid, out: string, cell: number, onRound: (round: JobRound) => void = () => {}) =>
  Effect.gen(function* () {
    if (!(Number.isInteger(cell) && cell >= 0 && cell < grid.runs.length)) {
      return yield* new GridError({ message: `--cell ${cell}: grid '${grid.name}' has cells 0 to ${grid.runs.length - 1} (one per strategy × seed)` })
    }
    yield* recordGrid(grid, out)
    const run = grid.runs[cell]
    yield* clearCellFailure(out, run.dir)
    return yield* runGridJob({ id: cell, dir: resolve(gridPath.run(out, run)), spec: run.spec }, onRound).pipe(
      Effect.tapErrorCause((cause) =>
        Cause.isInterruptedOnly(cause)
          ? Effect.void
          : writeCellFailure(out, { dir: run.dir, host: hostname(), at: new Date().toISOString(), message: describeFailure(cause) }).pipe(Effect.ignore)
      )
    )
  })
