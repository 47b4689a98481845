import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import { type GridRun, gridPath, readCellFailure, readGridFile } from "../run/grid-file.js"
import { lockHolder } from "../run/lock.js"
import { runProgress } from "../run/run-files.js"

/**
 * Where one cell (a strategy × seed run) of a grid stands; `round` is its last complete round
 * (0: none yet).
 */
export type CellState = Data.TaggedEnum<{
  NotStarted: {}
  Running: { readonly round: number; readonly host: string; readonly pid: number; readonly since: string }
  /** Unfinished, and no live process holds it: interrupted, killed, or cancelled. */
  Stopped: { readonly round: number }
  /** `round` undefined: it failed before completing one. */
  Failed: { readonly round: number | undefined; readonly host: string; readonly at: string; readonly message: string }
  Finished: { readonly round: number }
}>
export const CellState = Data.taggedEnum<CellState>()

/**
 * Every cell of the grid in `out` (its grid file, in order) with its state: finished (its
 * checkpoint says so), running (a process holds its lock: alive on this host, or on another host
 * whose liveness cannot be checked), failed (a failure recorded by `deal experiment --cell`),
 * stopped (rounds done, nobody running it), or not started.
 */
export const gridStatus = (out: string) =>
  Effect.gen(function* () {
    const grid = yield* readGridFile(out)
    return yield* Effect.forEach(grid.runs, (run: GridRun) =>
      Effect.gen(function* () {
        const dir = gridPath.run(out, run)
        const progress = yield* runProgress(dir)
        const round = progress._tag === "NotStarted" ? 0 : progress.round
        if (progress._tag === "Finished") return { run, state: CellState.Finished({ round }) }
        const holder = yield* lockHolder(dir)
        if (holder !== undefined && holder.alive !== false) return { run, state: CellState.Running({ round, host: holder.host, pid: holder.pid, since: holder.since }) }
        const failure = yield* readCellFailure(out, run.dir)
        if (failure._tag === "Some") {
          const { host, at, message } = failure.value
          return { run, state: CellState.Failed({ round: progress._tag === "NotStarted" ? undefined : round, host, at, message }) }
        }
        return { run, state: progress._tag === "NotStarted" ? CellState.NotStarted() : CellState.Stopped({ round }) }
      })
    )
  })

/** A cell's state in a few words, as `deal experiment status` prints it. */
export const describeCell = (state: CellState): string =>
  CellState.$match(state, {
    NotStarted: () => "not started",
    Running: ({ round, host, pid }) => `running on ${host} (pid ${pid}), last complete round ${round}`,
    Stopped: ({ round }) => `stopped after round ${round}: run it again to resume`,
    Failed: ({ round, host, message }) => `failed on ${host} ${round === undefined ? "before its first round" : `after round ${round}`}: ${message}`,
    Finished: ({ round }) => `finished at round ${round}`
  })
