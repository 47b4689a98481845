import { mkdir, open, readdir, readFile, rm, rmdir } from "node:fs/promises"
import { hostname } from "node:os"
import { join, resolve } from "node:path"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { runFile } from "./run-files.js"

/** Another live process writes the directory, or it cannot be locked at all (read-only, …). */
export class LockError extends Data.TaggedError("LockError")<{ readonly file: string; readonly message: string }> {}

/** The lock's holder; `task` the scheduler's task it runs as, when it runs as one. */
const LockFile = Schema.Struct({ pid: Schema.Int, host: Schema.String, since: Schema.String, task: Schema.optional(Schema.String) })
type LockFile = typeof LockFile.Type

/**
 * The scheduler's task this process runs as (SLURM's array job and task ids, or its job id), if
 * any. A scheduler runs one instance of a task at a time: a lock left by an earlier instance
 * (killed, then requeued, perhaps onto another node) is stale wherever it was taken.
 */
export const schedulerTask = (env: NodeJS.ProcessEnv = process.env): string | undefined =>
  env["SLURM_ARRAY_JOB_ID"] !== undefined && env["SLURM_ARRAY_TASK_ID"] !== undefined
    ? `slurm:${env["SLURM_ARRAY_JOB_ID"]}_${env["SLURM_ARRAY_TASK_ID"]}`
    : env["SLURM_JOB_ID"] !== undefined
      ? `slurm:${env["SLURM_JOB_ID"]}`
      : undefined

/**
 * The task the current fiber's work runs as: the scheduler's (`schedulerTask`, from the
 * environment) unless set with `Effect.locally`, as a queue worker sets its job's
 * (`bullmq:<job id>`: the queue hands a job to one worker at a time, and to another only once the
 * first stopped renewing its hold).
 */
export const currentTask: FiberRef.FiberRef<string | undefined> = FiberRef.unsafeMake(schedulerTask())

/** Whether process `pid` is alive on this host (EPERM: alive, someone else's). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}

const readHolder = (file: string): Promise<LockFile | undefined> =>
  readFile(file, "utf8").then(
    (text) => {
      try {
        return Schema.decodeUnknownSync(LockFile)(JSON.parse(text))
      } catch {
        return undefined
      }
    },
    () => undefined
  )

/**
 * Who holds the lock of `dir`, if anyone: pid, host and since when, and whether that process is
 * alive (known only on this host; undefined on another).
 */
export const lockHolder = (dir: string) =>
  Effect.promise(async () => {
    const holder = await readHolder(join(dir, runFile.lock))
    return holder === undefined ? undefined : { ...holder, alive: holder.host === hostname() ? alive(holder.pid) : undefined }
  })

/**
 * Takes the exclusive writer's lock of `dir` (`DIR/.lock`, created with O_EXCL: the holder's
 * pid, host and start time) for the enclosing scope. A lock held by a live process, or by a
 * process on another host (whose liveness cannot be checked), is refused naming the holder; a
 * stale lock (its process is gone, on this host; or an earlier instance of this scheduler task
 * or queue job, on any host: `currentTask`) is taken over, and `onTakeOver` says so.
 * Worker threads share their process's pid: a lock left by a terminated worker of a process
 * that still runs is not stale, so a grid runs each directory in one worker at a time (unless
 * the lock names this task: a queue job retried in the process whose thread it crashed).
 */
export const lockDirectory = (
  dir: string,
  onTakeOver: (message: string) => Effect.Effect<void> = Effect.logWarning
): Effect.Effect<void, LockError, Scope.Scope> => {
  const key = resolve(dir)
  // Held already by this thread (a resume that reads, then runs): taken again without a second file.
  const reenter = Effect.acquireRelease(
    Effect.sync(() => void held.set(key, (held.get(key) ?? 0) + 1)),
    () => Effect.sync(() => void held.set(key, held.get(key)! - 1))
  )
  return Effect.suspend(() => ((held.get(key) ?? 0) > 0 ? reenter : Effect.zipRight(lockFile(dir, onTakeOver), reenter)))
}

/** The directories this thread holds the lock of, with how many scopes hold each. */
const held = new Map<string, number>()

const lockFile = (dir: string, onTakeOver: (message: string) => Effect.Effect<void>): Effect.Effect<void, LockError, Scope.Scope> =>
  Effect.flatMap(FiberRef.get(currentTask), (task) => lockFileAs(dir, task, onTakeOver))

const lockFileAs = (dir: string, task: string | undefined, onTakeOver: (message: string) => Effect.Effect<void>): Effect.Effect<void, LockError, Scope.Scope> => {
  const file = join(dir, runFile.lock)
  const me: LockFile = { pid: process.pid, host: hostname(), since: new Date().toISOString(), ...(task === undefined ? {} : { task }) }
  let created = false
  const take = Effect.tryPromise({
    try: async () => {
      created ||= (await mkdir(dir, { recursive: true })) !== undefined
      const handle = await open(file, "wx")
      await handle.writeFile(JSON.stringify(me) + "\n")
      await handle.close()
      return true
    },
    catch: (e) => e as NodeJS.ErrnoException
  }).pipe(
    Effect.catchAll((e) =>
      e.code === "EEXIST" ? Effect.succeed(false) : Effect.fail(new LockError({ file: dir, message: `cannot write the directory: ${e.message}` }))
    )
  )
  const acquire = Effect.gen(function* () {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (yield* take) return
      const holder = yield* Effect.promise(() => readHolder(file))
      const sameTask = holder?.task !== undefined && holder.task === task
      if (holder !== undefined && !sameTask && (holder.host !== me.host || alive(holder.pid))) {
        return yield* new LockError({
          file,
          message: `${dir} is being written by pid ${holder.pid} on ${holder.host} since ${holder.since}: wait for it to finish, or remove ${file} if that process is gone`
        })
      }
      yield* onTakeOver(
        holder === undefined
          ? `took over an unreadable lock in ${dir}`
          : sameTask
            ? `took over the lock of pid ${holder.pid} on ${holder.host} (since ${holder.since}), an earlier instance of this task (${task}), which the scheduler or queue has ended`
            : `took over the lock of pid ${holder.pid} on ${holder.host} (since ${holder.since}), which is no longer running`
      )
      yield* Effect.promise(() => rm(file, { force: true }))
    }
    return yield* new LockError({ file, message: `could not take the lock of ${dir}: another process keeps taking it` })
  })
  // A directory this lock created and nothing else was written to (inputs refused after it was
  // taken) is removed with the lock: a refused run leaves nothing behind.
  const release = Effect.promise(async () => {
    const holder = await readHolder(file)
    if (holder?.pid !== me.pid || holder.host !== me.host) return
    await rm(file, { force: true })
    if (created && (await readdir(dir).catch(() => [""])).length === 0) await rmdir(dir).catch(() => undefined)
  })
  return Effect.acquireRelease(acquire, () => release)
}
