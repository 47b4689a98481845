import { availableParallelism } from "node:os"
import { join, resolve } from "node:path"
import { Worker } from "node:worker_threads"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import type { WriteError } from "../runtime/atomic-write.js"
import { Backend, type BackendPreference } from "../runtime/backend.js"
import { describeFailure, type GridJob, type JobOutcome, type JobRound, runGridJob } from "./job.js"
import { GridEvent, GridProgress } from "./progress.js"
import type { DataError } from "../data/errors.js"
import { holdsGrid, readGridFile, type GridRun, type ResolvedGrid, writeGridFile } from "../run/grid-file.js"
import { budgetFields, specDifferences } from "../run/spec.js"
import { Progress } from "../runtime/progress.js"
import { askThread, compiledEntry, type ThreadData } from "../runtime/thread.js"

/** A grid that cannot run in `out` (another grid is there), or a run of it that failed. */
export class GridError extends Data.TaggedError("GridError")<{ readonly message: string }> {}

/** How each run of a grid ended. */
export interface GridSummary {
  readonly out: string
  readonly runs: ReadonlyArray<
    { readonly run: GridRun } & ({ readonly ok: true; readonly outcome: JobOutcome } | { readonly ok: false; readonly message: string })
  >
}

export interface GridOptions {
  /** The grid's directory: its grid file (`src/run/grid-file.ts`) and one `<strategy>/seed-<n>/` per run. */
  readonly out: string
  /** Worker threads (default: one per core, at most one per run). */
  readonly parallel?: number
  readonly backend?: BackendPreference
  /** Cores divided between the workers' wasm backends (default: all of this machine's). */
  readonly threads?: number
  /**
   * Run the jobs one after another in this process instead of in worker threads. The default
   * is to do so only where no compiled worker (`worker.js` beside this module) exists, as
   * when deal runs from its TypeScript sources (vitest).
   */
  readonly inProcess?: boolean
}

/** Each worker's share of `cores` for its wasm backend's threads: an equal whole share, at least one. */
export const threadsPerWorker = (cores: number, workers: number): number => Math.max(1, Math.floor(cores / workers))

/** The compiled worker entry beside this module, if there is one. */
export const workerEntry = (): URL | undefined => compiledEntry("./worker.js", import.meta.url)

/**
 * Each worker's V8 young generation (3 × the semi-space): 192 MB, i.e. 64 MB semi-spaces instead of
 * V8's 16 MB. Training allocates many short-lived objects (tensor bookkeeping, batches), and with
 * the default the scavenger's helper threads took ~8% of a Gal CNN round's CPU; with this ~2%
 * (bench/README.md, "Garbage collection"). Costs at most ~200 MB of memory per worker.
 */
export const YOUNG_GENERATION_MB = 192

/** A grid worker thread (`worker.js`), with its backend and share of the cores. */
export const startGridThread = (entry: URL, data: ThreadData): Worker =>
  new Worker(entry, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } })

class JobFailure extends Data.TaggedError("JobFailure")<{ readonly message: string }> {}

/** The fields other than the budget on which two grids' bases differ, as `field: saved X, given Y`. */
const baseDifferences = (saved: Readonly<Record<string, unknown>>, given: Readonly<Record<string, unknown>>) => {
  const withoutBudget = (base: Readonly<Record<string, unknown>>) => Object.fromEntries(Object.entries(base).filter(([k]) => !budgetFields.includes(k)))
  return specDifferences(withoutBudget(saved), withoutBudget(given), { both: true })
}

/**
 * The grid as its grid file in OUT records it: the runs already recorded there and this command's,
 * so that running some seeds or strategies of a grid (`--seeds 3`, `--strategies random`) adds
 * to what `deal report` reads instead of replacing it. Recorded runs keep their order; a run
 * given again takes its new spec.
 */
export const mergeGrids = (saved: ResolvedGrid, given: ResolvedGrid): ResolvedGrid => {
  const givenByDir = new Map(given.runs.map((r) => [r.dir, r]))
  const savedDirs = new Set(saved.runs.map((r) => r.dir))
  const union = <A>(a: ReadonlyArray<A>, b: ReadonlyArray<A>) => [...new Set([...a, ...b])]
  return {
    ...given,
    strategies: union(saved.strategies, given.strategies),
    seeds: union(saved.seeds, given.seeds),
    runs: [...saved.runs.map((r) => givenByDir.get(r.dir) ?? r), ...given.runs.filter((r) => !savedDirs.has(r.dir))]
  }
}

/**
 * Writes the grid file in OUT (merged with the one there), refusing a directory that holds a grid with
 * another name or base (other seeds or strategies are fine: a grid can grow; so is another budget,
 * which each run's resume takes up, going on from where it stopped).
 */
export const recordGrid = (grid: ResolvedGrid, out: string): Effect.Effect<void, GridError | WriteError | DataError> =>
  Effect.gen(function* () {
    const saved = (yield* holdsGrid(out)) ? yield* readGridFile(out) : undefined
    if (saved !== undefined) {
      const differences = [
        ...(saved.name === grid.name ? [] : [`name: saved ${JSON.stringify(saved.name)}, given ${JSON.stringify(grid.name)}`]),
        ...baseDifferences(saved.base, grid.base).map((d) => `base.${d}`)
      ]
      if (differences.length > 0) {
        return yield* new GridError({ message: `${out} holds another grid (${differences.join("; ")}): choose another --out` })
      }
    }
    yield* writeGridFile(out, saved === undefined ? grid : mergeGrids(saved, grid))
  })

/** A job on a worker thread: its rounds go to `onRound`; a crashed worker fails the job. */
export const onWorker = (worker: Worker, job: GridJob, onRound: (r: JobRound) => void) =>
  askThread<GridJob, JobRound, JobOutcome, JobFailure>(worker, { name: "the worker", failure: (message) => new JobFailure({ message }) }, job, onRound)

/**
 * `deal experiment`: runs every strategy × seed of a resolved grid, each in `OUT/<strategy>/seed-<n>/`,
 * on `parallel` worker threads (each with its own tfjs backend). Resumable as a whole: a finished
 * run is skipped, an interrupted one resumed from its checkpoint (`resumeExperiment`), so the same
 * command after a crash or Ctrl-C picks up where it stopped. A failing run does not stop the
 * others: the summary says which failed and why.
 */
export const runGrid = (grid: ResolvedGrid, options: GridOptions): Effect.Effect<GridSummary, GridError | WriteError | DataError, GridProgress> =>
  Effect.gen(function* () {
    const progress = yield* GridProgress
    const out = options.out
    yield* recordGrid(grid, out)
    const entry = options.inProcess === true ? undefined : workerEntry()
    const inProcess = entry === undefined
    const workers = inProcess ? 1 : Math.max(1, Math.min(options.parallel ?? availableParallelism(), grid.runs.length))
    const backend = options.backend ?? "auto"
    const threads = threadsPerWorker(options.threads ?? availableParallelism(), workers)
    const jobs = grid.runs.map((run, id) => ({ run, job: { id, dir: resolve(out, run.dir), spec: run.spec } satisfies GridJob }))
    const emit = (e: GridEvent) => Effect.runSync(progress.event(e))
    emit(GridEvent.GridStarted({ name: grid.name, profile: grid.profile, runs: grid.runs, workers, inProcess, out }))

    const results: Array<GridSummary["runs"][number] | undefined> = jobs.map(() => undefined)
    let next = 0
    const record = (slot: number, i: number, exit: Exit.Exit<JobOutcome, JobFailure>) =>
      Effect.sync(() => {
        const { run } = jobs[i]
        if (Exit.isSuccess(exit)) {
          results[i] = { run, ok: true, outcome: exit.value }
          emit(GridEvent.JobFinished({ slot, run, outcome: exit.value }))
        } else {
          const message = describeFailure(exit.cause)
          results[i] = { run, ok: false, message }
          emit(GridEvent.JobFailed({ slot, run, message }))
        }
      })

    const inProcessLayer = Layer.mergeAll(Backend.layer(backend, { threads }), Progress.silent)
    /** One slot: takes the next job until none is left, on its own worker (replaced if it crashes). */
    const slot = (index: number) =>
      Effect.gen(function* () {
        let worker: Worker | undefined
        const fresh = () => startGridThread(entry!, { backend, threads, setup: undefined })
        yield* Effect.addFinalizer(() => Effect.promise(() => (worker === undefined ? Promise.resolve(0) : worker.terminate())))
        while (next < jobs.length) {
          const i = next++
          const { run, job } = jobs[i]
          emit(GridEvent.JobStarted({ slot: index, run }))
          const onRound = (round: JobRound) => emit(GridEvent.JobRound({ slot: index, run, round }))
          const exit = inProcess
            ? yield* runGridJob(job, onRound).pipe(
                Effect.provide(inProcessLayer),
                Effect.sandbox,
                Effect.mapError((cause) => new JobFailure({ message: describeFailure(cause) })),
                Effect.exit
              )
            : yield* Effect.exit(onWorker((worker ??= fresh()), job, onRound))
          if (!inProcess && Exit.isFailure(exit) && worker !== undefined && !(yield* alive(worker))) {
            yield* Effect.promise(() => worker!.terminate())
            worker = undefined
          }
          yield* record(index, i, exit)
        }
      }).pipe(Effect.scoped)

    yield* Effect.forEach(
      Array.from({ length: workers }, (_, i) => i),
      slot,
      { concurrency: "unbounded", discard: true }
    )
    return { out, runs: results.map((r) => r!) }
  })

/** Whether a worker thread still answers (its thread id is −1 once it has exited). */
export const alive = (worker: Worker) => Effect.sync(() => worker.threadId !== -1)
