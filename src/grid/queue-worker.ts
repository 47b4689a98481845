import { hostname } from "node:os"
import { resolve } from "node:path"
import type { Worker as Thread } from "node:worker_threads"
import { type Job, UnrecoverableError, WaitingError, Worker } from "bullmq"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as ParseResult from "effect/ParseResult"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import { clearCellFailure, gridPath, holdsGrid, writeCellFailure } from "../run/grid-file.js"
import { packRun, unpackRun } from "../run/run-bundle.js"
import type { BackendPreference } from "../runtime/backend.js"
import { describeFailure, type GridJob, type JobRound } from "./job.js"
import { CellJobData, type CellProgress, type EncodedCellJob, type CellResult, connect, connection, queueName } from "./queue.js"
import { alive, GridError, onWorker, startGridThread, threadsPerWorker, workerEntry } from "./runner.js"

export interface QueueWorkerOptions {
  readonly url: string
  /** Cells at a time, each on its own worker thread. */
  readonly parallel: number
  /** Where runs of grids that share no directory are written (`WORK/<grid key>/<strategy>/seed-<n>/`). */
  readonly work: string
  /** A cell whose worker has not renewed its hold for this long goes back to the queue. */
  readonly stallSeconds: number
  readonly backend: BackendPreference
  /** Cores divided between the threads' wasm backends. */
  readonly threads: number
}

/** Stalls a cell survives (each a worker killed while running it) before it counts as failed. */
const MAX_STALLS = 5

/**
 * `deal worker`: takes cells from the queue on `url`, `parallel` at a time, each on a grid
 * worker thread, until interrupted. A cell whose grid shares its directory is run (or resumed)
 * in place; any other is run in `work`, from the checkpoint its job carries, and packed into the
 * job after every round, so a worker killed mid-cell loses at most the round in progress wherever
 * the next one runs; its finished run (without models) is the job's result. A failed cell is
 * retried with backoff, as its job says; a stalled one (its worker killed) goes back to the queue.
 * Interrupted, the worker stops its threads and hands its cells back to the queue at once.
 */
export const serveQueue = (options: QueueWorkerOptions) =>
  Effect.gen(function* () {
    const entry = workerEntry()
    if (entry === undefined) return yield* new GridError({ message: "deal worker runs cells on worker threads: run it from the built package (npm run build)" })
    const threadData = { backend: options.backend, threads: threadsPerWorker(options.threads, options.parallel), setup: undefined }
    const idle: Array<Thread> = []
    const busy = new Set<Thread>()
    let stopping = false
    const host = hostname()
    // One line per event (a cell taken, a round, a cell done or failed), through the caller's Logger.
    const runtime = yield* Effect.runtime<never>()
    const log = (line: string) => Runtime.runSync(runtime)(Effect.logInfo(line))

    const processCell = async (job: Job<EncodedCellJob, CellResult>, token?: string): Promise<CellResult> => {
      const decoded = Schema.decodeUnknownEither(CellJobData)(job.data)
      if (Either.isLeft(decoded)) {
        throw new UnrecoverableError(`job ${job.id} is not a deal cell: ${ParseResult.TreeFormatter.formatErrorSync(decoded.left).split("\n").join(" ")}`)
      }
      const data = decoded.right
      const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
      const name = `cell ${data.cell} (${data.run.dir}) of ${data.grid}`
      // Handed back without counting as an attempt: another worker takes it at once.
      const handBack = async () => {
        await job.moveToWait(token)
        log(`${name}: handed back to the queue (this worker is stopping)`)
        return new WaitingError()
      }
      if (stopping) throw await handBack()
      if (data.shared && !(await run(holdsGrid(data.out)))) {
        throw new UnrecoverableError(`${name}: ${data.out} (with its grid.json) is not visible on ${host}: the grid was submitted with --shared, but this worker does not share its directory`)
      }
      const dir = data.shared ? resolve(gridPath.run(data.out, data.run)) : resolve(options.work, data.grid, data.run.dir)
      if (!data.shared && data.checkpoint !== undefined) await run(unpackRun(data.checkpoint, dir))
      if (data.shared) await run(clearCellFailure(data.out, data.run.dir))
      log(`${name}: taken (attempt ${job.attemptsMade + 1}${data.checkpoint === undefined ? "" : ", from its checkpoint"}), in ${dir}`)

      // Progress and checkpoints go to Redis in order, one after another.
      let sent = Promise.resolve()
      const onRound = (r: JobRound) => {
        log(`${name}: round ${r.round}, ${r.labeled} labels, accuracy ${r.accuracy.toFixed(4)}`)
        const progress: CellProgress = { round: r.round, labeled: r.labeled, accuracy: r.accuracy, host, pid: process.pid }
        const bundle = r.bundle
        sent = sent
          .then(() => (bundle === undefined ? undefined : job.updateData({ ...job.data, checkpoint: bundle })))
          .then(() => job.updateProgress(progress))
          .catch((e: Error) => log(`${name}: could not report round ${r.round} to Redis: ${e.message}`))
      }
      const gridJob: GridJob = {
        id: data.cell,
        dir,
        spec: data.run.spec,
        task: `bullmq:${job.id}`,
        ...(data.shared ? {} : { pack: { weights: data.run.spec.warmStart } })
      }
      const thread = idle.pop() ?? startGridThread(entry, threadData)
      busy.add(thread)
      const exit = await Effect.runPromiseExit(onWorker(thread, gridJob, onRound))
      busy.delete(thread)
      if (await Effect.runPromise(alive(thread))) idle.push(thread)
      else await thread.terminate()
      await sent
      if (Exit.isFailure(exit)) {
        if (stopping) throw await handBack()
        const message = describeFailure(exit.cause)
        if (data.shared) await run(writeCellFailure(data.out, { dir: data.run.dir, host, at: new Date().toISOString(), message }).pipe(Effect.ignore))
        log(`${name}: failed: ${message}`)
        throw new Error(message)
      }
      const outcome = exit.value
      log(`${name}: ${outcome.status}, ${outcome.rounds} rounds in ${outcome.seconds.toFixed(1)} s`)
      const files = data.shared ? undefined : await run(packRun(dir, { weights: false }))
      // The result holds the run now: Redis keeps it once, not twice.
      if (job.data.checkpoint !== undefined) await job.updateData({ ...job.data, checkpoint: undefined })
      return { status: outcome.status, rounds: outcome.rounds, seconds: outcome.seconds, host, ...(files === undefined ? {} : { files }) }
    }

    const stall = options.stallSeconds * 1000
    const worker = yield* connect(
      () =>
        new Worker<EncodedCellJob, CellResult>(queueName, processCell, {
          connection: connection(options.url),
          concurrency: options.parallel,
          lockDuration: stall,
          stalledInterval: stall,
          maxStalledCount: MAX_STALLS,
          autorun: false
        }),
      options.url
    )
    worker.on("stalled", (id) => log(`cell ${id}: its worker stopped renewing its hold; back in the queue`))
    yield* Effect.addFinalizer(() =>
      Effect.promise(async () => {
        stopping = true
        // Take no new cell, stop the running ones (their processors hand them back), then wait for those.
        const closed = worker.close()
        await Promise.all([...busy].map((t) => t.terminate()))
        await closed
        await Promise.all(idle.map((t) => t.terminate()))
      })
    )
    log(`deal worker on ${host} (pid ${process.pid}): ${options.parallel} at a time from ${queueName}; runs of grids without a shared directory in ${options.work}`)
    yield* Effect.tryPromise({ try: () => worker.run(), catch: (e) => new GridError({ message: `the worker stopped: ${(e as Error).message}` }) })
  }).pipe(Effect.scoped)

