import { hostname } from "node:os"
import { Job, QueueEvents } from "bullmq"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Mailbox from "effect/Queue"
import * as Schema from "effect/Schema"
import { clearCellFailure, gridPath, type GridRun, type ResolvedGrid, writeCellFailure } from "../run/grid-file.js"
import { packRun, unpackRun } from "../run/run-bundle.js"
import { holdsRun, readSpecFile, runProgress } from "../run/run-files.js"
import { encodeSpec, type ExperimentSpec } from "../run/spec.js"
import { CellJobData, CellProgress, CellResult, cellJobId, connect, connection, gridKey, openQueue, queueName, showUrl } from "./queue.js"
import { GridError, recordGrid } from "./runner.js"

export interface SubmitOptions {
  readonly url: string
  /** The grid's directory, absolute. */
  readonly out: string
  /** Workers see `out` at the same path and write it in place. */
  readonly shared: boolean
  /** Tries per cell before it counts as failed (BullMQ's attempts, with exponential backoff from 10 s). */
  readonly attempts: number
  /** Enqueue and return, without following the grid (or collecting its results) to the end. */
  readonly detach: boolean
}

/** How the cells of a submitted grid stood when it was submitted. */
export interface Submitted {
  readonly enqueued: number
  readonly queued: number
  readonly retried: number
  readonly finished: number
}

/** How a followed grid ended: its finished cells (those finished before it was submitted too), its failed ones. */
export interface Followed {
  readonly finished: number
  readonly failed: ReadonlyArray<{ readonly run: GridRun; readonly message: string }>
}

type QueueEvent =
  | { readonly type: "progress"; readonly id: string; readonly data: unknown }
  | { readonly type: "settled" | "stalled"; readonly id: string }
  | { readonly type: "failed"; readonly id: string; readonly reason: string }

const BACKOFF_MS = 10_000

/** A run's spec as its job carries it (JSON), to tell whether a job or a run directory is of this spec. */
const specKey = (spec: ExperimentSpec) => JSON.stringify(encodeSpec(spec))

/** Whether `dir` holds a finished run of the spec `spec` (`specKey`). */
const finishedAs = (dir: string, spec: string) =>
  Effect.gen(function* () {
    if ((yield* runProgress(dir))._tag !== "Finished") return false
    const saved = yield* Effect.option(readSpecFile(dir))
    return Option.isSome(saved) && specKey(saved.value) === spec
  })

/** The run an earlier job of a cell carried: its result, else its last checkpoint. */
const earlierRun = (job: { readonly returnvalue: unknown; readonly data: { readonly checkpoint?: string } } | undefined) =>
  job === undefined ? undefined : Option.getOrUndefined(Option.flatMapNullable(Schema.decodeUnknownOption(CellResult)(job.returnvalue), (r) => r.files)) ?? job.data.checkpoint

/** How often a follower asks for every unsettled cell's state, besides the queue's events. */
const RESCAN = "10 seconds"

/**
 * `deal experiment SPEC --queue URL`: records the grid in `out` and enqueues each of its cells
 * as a BullMQ job whose id is the cell (`cellJobId`), unless the job is there already (queued,
 * running or finished: nothing is added) or the cell's run in `out` has finished; a cell whose
 * job failed for good is retried. A job of another spec (the grid's budget changed) is replaced,
 * and its cell goes on from where it stopped, as a local grid's runs do: without a shared
 * directory the new job carries the run (from `out`, or the old job). Then, unless detached,
 * follows the grid to its end: each
 * round as workers report it, each cell as it finishes or fails; the runs of a grid without a
 * shared directory are written into `out` as their jobs finish (submitting again collects those
 * that finished while nobody followed).
 */
export const submitToQueue = (grid: ResolvedGrid, options: SubmitOptions) =>
  Effect.gen(function* () {
    const queue = yield* openQueue(options.url)
    yield* recordGrid(grid, options.out)
    const key = gridKey(grid, options.out, options.shared)
    const cells = grid.runs.map((run, cell) => ({ cell, run, id: cellJobId(key, run) }))
    const counts = { enqueued: 0, queued: 0, retried: 0, finished: 0 }
    const pending: typeof cells = []
    for (const c of cells) {
      const dir = gridPath.run(options.out, c.run)
      const spec = specKey(c.run.spec)
      const job = yield* Effect.promise(() => queue.getJob(c.id))
      const state = job === undefined ? undefined : yield* Effect.promise(() => job.getState())
      if (job !== undefined && (state === "active" || JSON.stringify(job.data.run?.spec) === spec)) {
        if (state === "failed") {
          yield* Effect.promise(() => job.retry("failed"))
          counts.retried++
        } else if (state === "completed") {
          counts.finished++
          // A run that finished elsewhere is followed only to be collected.
          if (options.shared || (yield* finishedAs(dir, spec))) continue
        } else counts.queued++
        pending.push(c)
        continue
      }
      if (job === undefined && (yield* finishedAs(dir, spec))) {
        counts.finished++
        continue
      }
      // No job, or one under another budget (which the cell takes up, as a local grid's runs do):
      // enqueued, carrying the run as far as it went when the workers share no directory.
      const carried =
        options.shared ? undefined
        : (yield* holdsRun(dir)) ? yield* packRun(dir, { weights: c.run.spec.warmStart })
        : earlierRun(job)
      if (job !== undefined) yield* Effect.promise(() => job.remove())
      const data: CellJobData = {
        grid: key,
        out: options.out,
        host: hostname(),
        shared: options.shared,
        cell: c.cell,
        run: c.run,
        ...(carried === undefined ? {} : { checkpoint: carried })
      }
      yield* Effect.promise(() =>
        queue.add(c.run.dir, Schema.encodeSync(CellJobData)(data), {
          jobId: c.id,
          attempts: options.attempts,
          backoff: { type: "exponential", delay: BACKOFF_MS },
          removeOnComplete: false,
          removeOnFail: false
        })
      )
      counts.enqueued++
      pending.push(c)
    }
    yield* Effect.logInfo(
      `grid ${grid.name} (${key}) on ${showUrl(options.url)}: ${counts.enqueued} cells enqueued, ${counts.queued} already queued or running, ` +
        `${counts.retried} failed ones retried, ${counts.finished} finished`
    )
    if (options.detach) return { submitted: counts satisfies Submitted, followed: undefined }
    const followed = yield* followCells(queue, pending, options)
    // The cells not followed had finished already.
    return { submitted: counts satisfies Submitted, followed: { ...followed, finished: followed.finished + cells.length - pending.length } satisfies Followed }
  }).pipe(Effect.scoped)

/**
 * Follows `cells` until each has finished or failed for good: a line per round a worker
 * reports, per stall and per failed attempt; a finished cell of a grid without a shared
 * directory has its run written into `out` (unless a finished run is there already), a failed
 * one its failure (`deal experiment status` shows it).
 */
const followCells = (
  queue: Effect.Effect.Success<ReturnType<typeof openQueue>>,
  cells: ReadonlyArray<{ readonly cell: number; readonly run: GridRun; readonly id: string }>,
  options: SubmitOptions
) =>
  Effect.gen(function* () {
    const events = yield* connect(() => new QueueEvents(queueName, { connection: connection(options.url) }), options.url)
    const mailbox = yield* Mailbox.unbounded<QueueEvent>()
    const offer = (e: QueueEvent) => void Effect.runFork(Mailbox.offer(mailbox, e))
    events.on("progress", ({ jobId, data }) => offer({ type: "progress", id: jobId, data }))
    events.on("completed", ({ jobId }) => offer({ type: "settled", id: jobId }))
    events.on("failed", ({ jobId, failedReason }) => offer({ type: "failed", id: jobId, reason: failedReason }))
    events.on("stalled", ({ jobId }) => offer({ type: "stalled", id: jobId }))

    const byId = new Map(cells.map((c) => [c.id, c]))
    const unsettled = new Set(byId.keys())
    const failed: Array<{ run: GridRun; message: string }> = []
    let finished = 0
    const name = (c: { cell: number; run: GridRun }) => `cell ${c.cell} (${c.run.dir})`

    /** Settles a cell whose job has finished or failed for good; leaves any other as it is. */
    const settle = (id: string) =>
      Effect.gen(function* () {
        const c = byId.get(id)
        if (c === undefined || !unsettled.has(id)) return
        const job = yield* Effect.promise(() => Job.fromId<unknown, unknown>(queue, id))
        const state = job === undefined ? "missing" : yield* Effect.promise(() => job.getState())
        if (job === undefined || state === "missing") {
          unsettled.delete(id)
          failed.push({ run: c.run, message: "its job was removed from the queue" })
          yield* Effect.logInfo(`${name(c)}: its job was removed from the queue; submit the grid again to enqueue it`)
        } else if (state === "completed") {
          const result = Schema.decodeUnknownEither(CellResult)(job.returnvalue)
          const dir = gridPath.run(options.out, c.run)
          if (Either.isLeft(result)) {
            failed.push({ run: c.run, message: "its job returned no deal result" })
          } else {
            const collect = !options.shared && result.right.files !== undefined && !(yield* finishedAs(dir, specKey(c.run.spec)))
            if (collect) yield* unpackRun(result.right.files!, dir)
            yield* clearCellFailure(options.out, c.run.dir)
            finished++
            yield* Effect.logInfo(`${name(c)}: ${result.right.status}, ${result.right.rounds} rounds on ${result.right.host}${collect ? `; written to ${dir}` : ""}`)
          }
          unsettled.delete(id)
        } else if (state === "failed") {
          const message = job.failedReason ?? "failed"
          failed.push({ run: c.run, message })
          yield* writeCellFailure(options.out, { dir: c.run.dir, host: "queue", at: new Date().toISOString(), message }).pipe(Effect.ignore)
          yield* Effect.logInfo(`${name(c)}: failed after ${job.attemptsMade} attempts: ${message}`)
          unsettled.delete(id)
        }
      })

    const rescan = Effect.forEach([...unsettled], settle, { discard: true })
    yield* rescan
    if (unsettled.size > 0 && (yield* Effect.promise(() => queue.getWorkersCount())) === 0) {
      yield* Effect.logInfo(`no deal worker is connected to ${showUrl(options.url)} yet: start some with deal worker --queue ${showUrl(options.url)}`)
    }
    while (unsettled.size > 0) {
      const next = yield* Mailbox.take(mailbox).pipe(Effect.timeoutOption(RESCAN))
      if (Option.isNone(next)) {
        yield* rescan
        continue
      }
      const e = next.value
      const c = byId.get(e.id)
      if (c === undefined || !unsettled.has(e.id)) continue
      if (e.type === "progress") {
        const p = Schema.decodeUnknownOption(CellProgress)(e.data)
        if (Option.isSome(p)) {
          const { round, labeled, accuracy, host, pid } = p.value
          yield* Effect.logInfo(`${name(c)}: round ${round}, ${labeled} labels, accuracy ${accuracy.toFixed(4)} (on ${host}, pid ${pid})`)
        }
      } else if (e.type === "stalled") {
        yield* Effect.logInfo(`${name(c)}: its worker stopped answering; back in the queue, to be resumed from its last complete round`)
      } else {
        yield* settle(e.id)
        if (e.type === "failed" && unsettled.has(e.id)) yield* Effect.logInfo(`${name(c)}: an attempt failed (${e.reason}); it will be retried`)
      }
    }
    return { finished, failed } satisfies Followed
  }).pipe(Effect.scoped)
