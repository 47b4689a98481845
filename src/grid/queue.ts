/**
 * The work queue of `deal experiment --queue` and `deal worker`: a grid's cells as BullMQ jobs in
 * Redis, what each job carries, reports and returns, and the connection. One queue holds the
 * cells of every grid submitted to a Redis database; a job's id is its grid's key and its run
 * (`cellJobId`), so submitting a grid again adds nothing that is there already.
 */
import { createHash } from "node:crypto"
import { hostname } from "node:os"
import type { Queue } from "bullmq"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { GridRun, type ResolvedGrid } from "../run/grid-file.js"
import { GridError } from "./runner.js"

/** The queue's name in Redis (its keys are `bull:deal-cells:*`). */
export const queueName = "deal-cells"

/** A cell as its job carries it. */
export const CellJobData = Schema.Struct({
  /** The grid's key: the start of its jobs' ids (`gridKey`). */
  grid: Schema.String,
  /** The submitter's grid directory (absolute) and host. */
  out: Schema.String,
  host: Schema.String,
  /** Workers write `out` in place (a shared directory); otherwise the run comes back with the result. */
  shared: Schema.Boolean,
  /** The cell's place in the grid, and its run. */
  cell: Schema.Int,
  run: GridRun,
  /** Not shared: the run as of its last complete round (`packRun`), for whichever worker resumes it. */
  checkpoint: Schema.optional(Schema.String)
})
export type CellJobData = typeof CellJobData.Type
/** A job's data as Redis holds it (JSON). */
export type EncodedCellJob = typeof CellJobData.Encoded

/** What a worker reports after each round of a cell. */
export const CellProgress = Schema.Struct({ round: Schema.Int, labeled: Schema.Int, accuracy: Schema.Number, host: Schema.String, pid: Schema.Int })
export type CellProgress = typeof CellProgress.Type

/** What a finished cell's job returns: how it ended, where, and (not shared) its run without models. */
export const CellResult = Schema.Struct({
  status: Schema.Literal("ran", "resumed", "skipped"),
  rounds: Schema.Int,
  seconds: Schema.Number,
  host: Schema.String,
  files: Schema.optional(Schema.String)
})
export type CellResult = typeof CellResult.Type

/**
 * A grid's key: its name and profile, and a hash of where its results go (the directory, and
 * the submitting host unless the directory is shared), e.g. `gal2017-mnist-quick.3fa2c1d0`.
 */
export const gridKey = (grid: ResolvedGrid, out: string, shared: boolean): string => {
  const where = createHash("sha256").update(shared ? out : `${hostname()}:${out}`).digest("hex").slice(0, 8)
  return `${grid.name}${grid.profile === null ? "" : `-${grid.profile}`}.${where}`
}

/** A cell's job id: its grid's key and run directory, e.g. `tiny.3fa2c1d0/entropy/seed-1` (BullMQ forbids `:`). */
export const cellJobId = (key: string, run: Pick<GridRun, "dir">): string => `${key}/${run.dir}`.replaceAll(":", "_")

/** A `redis://` or `rediss://` URL with a host (and optionally a port and database), or a one-line error. */
export const parseQueueUrl = (text: string): Effect.Effect<string, GridError> => {
  const refuse = (why: string) => new GridError({ message: `--queue ${text}: ${why}; expected redis://HOST:PORT (or rediss://, and /DB for a database)` })
  try {
    const url = new URL(text)
    if (url.protocol !== "redis:" && url.protocol !== "rediss:") return Effect.fail(refuse(`the scheme is ${url.protocol.slice(0, -1)}`))
    if (url.hostname === "") return Effect.fail(refuse("no host"))
    if (!/^\/?(\d+)?$/.test(url.pathname)) return Effect.fail(refuse(`the database ${url.pathname.slice(1)} is not a number`))
    return Effect.succeed(text)
  } catch {
    return Effect.fail(refuse("not a URL"))
  }
}

/** The URL with its password hidden, for messages. */
export const showUrl = (url: string): string => url.replace(/\/\/([^@/]*):([^@/]*)@/, "//$1:***@")

/** BullMQ's connection options for `url` (commands wait for a reconnect instead of failing). */
export const connection = (url: string) => ({ url, maxRetriesPerRequest: null })

/** How long a submitter or worker waits for Redis to answer at start. */
const reachTimeout = Duration.seconds(15)

/** A BullMQ client: a queue, a worker or queue events. */
interface Client {
  on(event: "error", listener: (e: Error) => void): unknown
  waitUntilReady(): Promise<unknown>
  close(): Promise<void>
}

/**
 * A BullMQ client made by `make`, once it has reached Redis, closed with the scope. One whose
 * connection fails first, or that has no answer within 15 s, fails naming the URL and why (and
 * is closed). Its later `error` events are kept from crashing the process: a lost connection is
 * retried.
 */
export const connect = <A extends Client>(make: () => A, url: string) =>
  Effect.gen(function* () {
    let failed: (e: Error) => void = () => {}
    const firstError = new Promise<never>((_, reject) => (failed = reject))
    firstError.catch(() => undefined)
    const client = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const c = make()
        c.on("error", (e: Error) => failed(e))
        return c
      }),
      (c) => Effect.promise(() => c.close().catch(() => undefined))
    )
    const fail = (why: string) => new GridError({ message: `cannot reach Redis at ${showUrl(url)}: ${why}` })
    yield* Effect.tryPromise({ try: () => Promise.race([client.waitUntilReady(), firstError]), catch: (e) => fail((e as Error).message) }).pipe(
      Effect.timeoutFail({ duration: reachTimeout, onTimeout: () => fail("no answer in 15 s") })
    )
    return client
  })

/** bullmq (and ioredis), loaded by the commands that use the queue, not by every deal command. */
const loadBullmq = Effect.promise(() => import("bullmq"))

/** The queue on `url`, reached, closed with the scope. */
export const openQueue = (url: string) =>
  Effect.flatMap(loadBullmq, (bullmq) => connect((): Queue<EncodedCellJob, CellResult> => new bullmq.Queue(queueName, { connection: connection(url) }), url))
