/**
 * The one protocol between deal and its worker threads (grid runs, the labelling retrainer). A
 * thread starts with its backend and share of the cores (`ThreadData`), sets itself up (a
 * labelling thread loads its data), says it is ready, then serves requests, each with an id:
 * each request's progress, then its value or its failure as one line. Asked from this side, a
 * request fails when the thread answers it with a failure, or crashes or exits meanwhile; the
 * listeners come off the thread when the request ends or is interrupted, since a thread serves
 * many requests.
 *
 * Not `@effect/platform`'s Worker: there, a thread that crashes is spawned again every second,
 * and one that exits before it is ready leaves the spawn waiting forever (its ready latch has no
 * failure); deal wants the reason, once, and decides itself whether a new thread takes the next
 * job.
 */
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { parentPort, type Worker, workerData } from "node:worker_threads"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Runtime from "effect/Runtime"
import type * as Scope from "effect/Scope"
import { Backend, type BackendPreference } from "./backend.js"
import { describeFailure } from "./failure.js"
import { Progress } from "./progress.js"

/** What a thread starts with: the backend to set up, its share of the cores, and what it needs to set itself up. */
export interface ThreadData<S = undefined> {
  readonly backend: BackendPreference
  readonly threads: number
  readonly setup: S
}

/** A request to a thread. */
export interface ThreadRequest<Q> {
  readonly id: number
  readonly request: Q
}

/** A thread's messages: a request's progress, value or failure; id −1 is the thread's own (ready, or could not set up). */
export type ThreadMessage<P, A> =
  | { readonly id: number; readonly type: "progress"; readonly progress: P }
  | { readonly id: number; readonly type: "done"; readonly value: A }
  | { readonly id: number; readonly type: "failed"; readonly message: string }
  | { readonly id: -1; readonly type: "ready" }

/** The compiled thread entry `file` beside the module at `from` (its `import.meta.url`), if there is one (not when deal runs from its sources). */
export const compiledEntry = (file: string, from: string): URL | undefined => {
  const url = new URL(file, from)
  return from.endsWith(".js") && existsSync(fileURLToPath(url)) ? url : undefined
}

/** How a request's failures are named: the thread ("the worker") and the caller's error. */
export interface ThreadNames<E> {
  readonly name: string
  readonly failure: (message: string) => E
}

/** Waits for `accept` to take one of the thread's messages; a crash or an exit fails the wait. */
const awaitMessage = <P, A, B, E>(worker: Worker, names: ThreadNames<E>, accept: (m: ThreadMessage<P, A>) => Effect.Effect<B, E> | undefined, send?: () => void): Effect.Effect<B, E> =>
  Effect.async<B, E>((resume) => {
    const detach = () => {
      worker.off("message", onMessage)
      worker.off("error", onError)
      worker.off("exit", onExit)
    }
    const end = (outcome: Effect.Effect<B, E>) => {
      detach()
      resume(outcome)
    }
    const onMessage = (m: ThreadMessage<P, A>) => {
      const outcome = accept(m)
      if (outcome !== undefined) end(outcome)
    }
    const onError = (e: Error) => end(Effect.fail(names.failure(`${names.name} crashed: ${e.message}`)))
    const onExit = (code: number) => end(Effect.fail(names.failure(`${names.name} exited (code ${code})`)))
    worker.on("message", onMessage)
    worker.on("error", onError)
    worker.on("exit", onExit)
    send?.()
    return Effect.sync(detach)
  })

/** Waits until the thread is set up; its failure to set up (or an exit first) fails the wait. */
export const threadReady = <E>(worker: Worker, names: ThreadNames<E>): Effect.Effect<void, E> =>
  awaitMessage(worker, names, (m) => (m.id !== -1 ? undefined : m.type === "ready" ? Effect.void : m.type === "failed" ? Effect.fail(names.failure(m.message)) : undefined))

let requests = 0

/** Asks the thread `request`; its progress goes to `onProgress`, and its value ends it. */
export const askThread = <Q, P, A, E>(worker: Worker, names: ThreadNames<E>, request: Q, onProgress: (progress: P) => void = () => {}): Effect.Effect<A, E> =>
  Effect.suspend(() => {
    const id = requests++
    return awaitMessage<P, A, A, E>(
      worker,
      names,
      (m) => {
        if (m.type === "failed" && m.id === -1) return Effect.fail(names.failure(m.message))
        if (m.id !== id) return undefined
        if (m.type === "progress") return void onProgress(m.progress)
        return m.type === "done" ? Effect.succeed(m.value) : m.type === "failed" ? Effect.fail(names.failure(m.message)) : undefined
      },
      () => worker.postMessage({ id, request } satisfies ThreadRequest<Q>)
    )
  })

/**
 * The thread's side, run at the top of its entry module: with its backend (and silent progress),
 * sets itself up with its `ThreadData.setup` (a failure is posted, and ends it), says it is ready,
 * then serves each request with the handler the set-up gave, posting its progress and its outcome,
 * until it is terminated.
 */
export const serveThread = <S, Q, P, A, E>(
  setup: (data: S) => Effect.Effect<(request: Q, progress: (p: P) => void) => Effect.Effect<A, unknown, Backend | Progress>, E, Backend | Progress | Scope.Scope>
): void => {
  const port = parentPort
  if (port === null) throw new Error("this module runs as a worker thread of deal")
  const data = workerData as ThreadData<S>
  const post = (message: ThreadMessage<P, A>) => port.postMessage(message)
  const runtime = ManagedRuntime.make(Layer.mergeAll(Backend.layer(data.backend, { threads: data.threads }), Progress.silent))
  void runtime
    .runPromiseExit(
      Effect.scoped(
        Effect.gen(function* () {
          const handle = yield* setup(data.setup)
          const run = Runtime.runPromiseExit(yield* Effect.runtime<Backend | Progress>())
          port.on("message", ({ id, request }: ThreadRequest<Q>) => {
            void run(handle(request, (progress) => post({ id, type: "progress", progress }))).then((exit) =>
              post(Exit.isSuccess(exit) ? { id, type: "done", value: exit.value } : { id, type: "failed", message: describeFailure(exit.cause) })
            )
          })
          post({ id: -1, type: "ready" })
          // serves until terminated
          return yield* Effect.never
        })
      )
    )
    .then((exit) => {
      if (Exit.isFailure(exit)) post({ id: -1, type: "failed", message: describeFailure(exit.cause) })
    })
}
