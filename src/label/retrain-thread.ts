/**
 * The retrainer of `deal label` in a worker thread (`retrain-worker.ts`), so that training,
 * measuring and scoring the pool never hold up the server's thread, which answers people. The
 * thread loads the data with its own backend and writes each round to the run directory, under
 * the lock the server's thread holds; the server's thread sends it the labels and gets back each
 * round's results row and observation. It starts with the scope (ready once its data is loaded)
 * and is terminated with it.
 */
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Worker } from "node:worker_threads"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { LabelSpec } from "../run/label-spec.js"
import type { BackendName } from "../runtime/backend.js"
import { threadReply } from "../runtime/thread-reply.js"
import { type Retrained, RetrainError, type Retrainer, type RetrainInput } from "./retrainer.js"

export interface RetrainWorkerData {
  readonly spec: LabelSpec
  readonly dir: string
  readonly backend: BackendName
  readonly threads: number
}
export interface RetrainRequest {
  readonly id: number
  readonly input: RetrainInput
}
export type RetrainMessage =
  | { readonly type: "ready" }
  | { readonly type: "retrained"; readonly id: number; readonly retrained: Retrained }
  /** id −1: the thread could not start (its data, its backend, the run directory). */
  | { readonly type: "failed"; readonly id: number; readonly message: string }

/** The compiled worker entry beside this module, if there is one (not when run from the sources). */
export const retrainWorkerEntry = (): URL | undefined => {
  const url = new URL("./retrain-worker.js", import.meta.url)
  return import.meta.url.endsWith(".js") && existsSync(fileURLToPath(url)) ? url : undefined
}

/** Starts the worker thread for the scope; its retrainer once the thread has loaded the data. */
export const threadRetrainer = (entry: URL, data: RetrainWorkerData): Effect.Effect<Retrainer["Type"], RetrainError, Scope.Scope> =>
  Effect.gen(function* () {
    const worker = yield* Effect.acquireRelease(
      Effect.sync(() => new Worker(entry, { workerData: data })),
      (w) => Effect.promise(() => w.terminate())
    )
    /** Asks (once listening), then waits for the thread's message that `accept` takes; a crash, an exit or a failure of `id` fails it. */
    const answer = <A>(id: number, accept: (m: RetrainMessage) => A | undefined, ask?: () => void) =>
      threadReply(worker, {
        name: "the training thread",
        failure: (message) => new RetrainError({ message }),
        ...(ask === undefined ? {} : { ask }),
        reply: (m: RetrainMessage) => {
          if (m.type === "failed" && (m.id === id || m.id === -1)) return Effect.fail(new RetrainError({ message: m.message }))
          const accepted = accept(m)
          return accepted === undefined ? undefined : Effect.succeed(accepted)
        }
      })
    yield* answer(-1, (m) => (m.type === "ready" ? true : undefined))
    let next = 0
    return {
      retrain: (input) =>
        Effect.suspend(() => {
          const id = next++
          return answer(
            id,
            (m) => (m.type === "retrained" && m.id === id ? m.retrained : undefined),
            () => worker.postMessage({ id, input } satisfies RetrainRequest)
          )
        })
    }
  })
