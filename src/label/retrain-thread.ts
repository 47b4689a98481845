/**
 * The retrainer of `deal label` in a worker thread (`retrain-worker.ts`, `runtime/thread.ts`), so
 * that training, measuring and scoring the pool never hold up the server's thread, which answers
 * people. The thread loads the data with its own backend and writes each round to the run
 * directory, under the lock the server's thread holds; the server's thread sends it the labels
 * and gets back each round's results row and observation. It starts with the scope (ready once
 * its data is loaded) and is terminated with it.
 */
import { Worker } from "node:worker_threads"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { LabelSpec } from "../run/label-spec.js"
import { askThread, compiledEntry, type ThreadData, threadReady } from "../runtime/thread.js"
import { type Retrained, RetrainError, type Retrainer, type RetrainInput } from "./retrainer.js"

/** What the thread sets itself up from: the label spec and the run directory. */
export interface RetrainSetup {
  readonly spec: LabelSpec
  readonly dir: string
}

/** The compiled worker entry beside this module, if there is one (not when run from the sources). */
export const retrainWorkerEntry = (): URL | undefined => compiledEntry("./retrain-worker.js", import.meta.url)

const names = { name: "the training thread", failure: (message: string) => new RetrainError({ message }) }

/** Starts the worker thread for the scope; its retrainer once the thread has loaded the data. */
export const threadRetrainer = (entry: URL, data: ThreadData<RetrainSetup>): Effect.Effect<Retrainer["Type"], RetrainError, Scope.Scope> =>
  Effect.gen(function* () {
    const worker = yield* Effect.acquireRelease(
      Effect.sync(() => new Worker(entry, { workerData: data })),
      (w) => Effect.promise(() => w.terminate())
    )
    yield* threadReady(worker, names)
    return { retrain: (input) => askThread<RetrainInput, never, Retrained, RetrainError>(worker, names, input) }
  })
