import { EventEmitter } from "node:events"
import type { Worker } from "node:worker_threads"
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { onWorker } from "../../src/grid/runner.js"
import type { GridJob, WorkerMessage } from "../../src/grid/job.js"

/** A stand-in for a grid worker thread: answers each job with the messages `reply` gives. */
const fakeWorker = (reply: (job: GridJob) => ReadonlyArray<WorkerMessage>) => {
  const worker = new EventEmitter() as EventEmitter & { postMessage: (job: GridJob) => void }
  worker.postMessage = (job) => setImmediate(() => reply(job).forEach((m) => worker.emit("message", m)))
  return worker
}
const job = (id: number): GridJob => ({ id, dir: `/tmp/run-${id}`, spec: {} as GridJob["spec"] })
const listeners = (w: EventEmitter) => ["message", "error", "exit"].map((e) => w.listenerCount(e))

describe("grid jobs on a worker thread", () => {
  it("a worker serves many jobs without keeping their listeners", async () => {
    const worker = fakeWorker((j) => [
      { type: "round", id: j.id, round: { round: 0, labeled: 20, accuracy: 0.5 } as never },
      { type: "done", id: j.id, outcome: { status: "ran", rounds: 1, lastRound: null, seconds: j.id } }
    ])
    const rounds: Array<number> = []
    for (let id = 0; id < 12; id++) {
      const outcome = await Effect.runPromise(onWorker(worker as unknown as Worker, job(id), () => rounds.push(id)))
      expect(outcome.seconds).toBe(id)
      expect(listeners(worker)).toEqual([0, 0, 0])
    }
    expect(rounds).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
  })

  it("a job fails with the worker's message, and when the worker exits, and leaves no listeners", async () => {
    const failing = fakeWorker((j) => [{ type: "failed", id: j.id, message: "bad spec" }])
    const failed = await Effect.runPromiseExit(onWorker(failing as unknown as Worker, job(1), () => {}))
    expect(Exit.isFailure(failed) && JSON.stringify(failed.cause)).toContain("bad spec")
    expect(listeners(failing)).toEqual([0, 0, 0])

    const exiting = fakeWorker(() => [])
    exiting.postMessage = () => setImmediate(() => exiting.emit("exit", 1))
    const exited = await Effect.runPromiseExit(onWorker(exiting as unknown as Worker, job(2), () => {}))
    expect(Exit.isFailure(exited) && JSON.stringify(exited.cause)).toContain("the worker exited (code 1)")
    expect(listeners(exiting)).toEqual([0, 0, 0])
  })

  it("ignores messages for other jobs", async () => {
    const worker = fakeWorker((j) => [
      { type: "done", id: j.id + 100, outcome: { status: "skipped", rounds: 0, lastRound: null, seconds: 0 } },
      { type: "done", id: j.id, outcome: { status: "ran", rounds: 3, lastRound: null, seconds: 1 } }
    ])
    const outcome = await Effect.runPromise(onWorker(worker as unknown as Worker, job(7), () => {}))
    expect(outcome).toMatchObject({ status: "ran", rounds: 3 })
  })
})
