/**
 * The worker thread of `deal experiment`: it initialises its own tfjs backend once, then runs
 * the jobs (`GridJob`) the parent posts, one at a time, posting each completed round and the
 * outcome back (`WorkerMessage`). Started by `runGrid` from the compiled `dist/`.
 */
import { parentPort, workerData } from "node:worker_threads"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { Backend } from "../runtime/backend.js"
import { describeFailure, type GridJob, runGridJob, type WorkerData, type WorkerMessage } from "./job.js"
import { Progress } from "../runtime/progress.js"

const port = parentPort
if (port === null) throw new Error("grid/worker.js runs as a worker thread of deal experiment")

const { backend, threads } = workerData as WorkerData
const runtime = ManagedRuntime.make(Layer.mergeAll(Backend.layer(backend, { threads }), Progress.silent))
const post = (message: WorkerMessage) => port.postMessage(message)

port.on("message", (job: GridJob) => {
  void runtime
    .runPromiseExit(runGridJob(job, (round) => post({ type: "round", id: job.id, round })))
    .then((exit) =>
      Exit.match(exit, {
        onSuccess: (outcome) => post({ type: "done", id: job.id, outcome }),
        onFailure: (cause) => post({ type: "failed", id: job.id, message: describeFailure(cause) })
      })
    )
})

// Initialise the backend before the first job arrives (a backend that fails then fails every job).
void runtime.runPromiseExit(Effect.void)
