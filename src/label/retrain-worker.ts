/**
 * The worker thread of `deal label`: it loads the data to label with its own tfjs backend, opens
 * the run's rounds (`label-rounds.ts`) under the lock its server's thread holds, says it is ready,
 * then retrains as the server asks, one model at a time, posting each round back
 * (`RetrainMessage`). Started by `retrain-thread.ts` from the compiled `dist/`.
 */
import { parentPort, workerData } from "node:worker_threads"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Runtime from "effect/Runtime"
import { Progress } from "../runtime/progress.js"
import { describeFailure } from "../runtime/failure.js"
import { Backend } from "../runtime/backend.js"
import { loadDataToLabel } from "./label-data.js"
import { labelRunRetrainer } from "./label-rounds.js"
import type { RetrainRequest, RetrainMessage, RetrainWorkerData } from "./retrain-thread.js"

const port = parentPort
if (port === null) throw new Error("label/retrain-worker.js runs as a worker thread of deal label")
const { spec, dir, backend, threads } = workerData as RetrainWorkerData
const post = (message: RetrainMessage) => port.postMessage(message)
const runtime = ManagedRuntime.make(Layer.mergeAll(Backend.layer(backend, { threads }), Progress.silent))

void runtime.runPromiseExit(
  Effect.scoped(
    Effect.gen(function* () {
      const data = yield* loadDataToLabel(spec, "deal label")
      const retrainer = yield* labelRunRetrainer(spec, dir, data, { lockHeld: true })
      const run = Runtime.runPromiseExit(yield* Effect.runtime<never>())
      port.on("message", (request: RetrainRequest) => {
        void run(retrainer.retrain(request.input)).then((exit) =>
          post(
            Exit.isSuccess(exit)
              ? { type: "retrained", id: request.id, retrained: exit.value }
              : { type: "failed", id: request.id, message: describeFailure(exit.cause) }
          )
        )
      })
      post({ type: "ready" })
      // Serves until the server terminates the thread.
      return yield* Effect.never
    })
  )
).then((exit) => {
  if (Exit.isFailure(exit)) post({ type: "failed", id: -1, message: describeFailure(exit.cause) })
})
