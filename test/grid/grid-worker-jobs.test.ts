import { EventEmitter } from "node:events"
import type { Worker } from "node:worker_threads"
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import type { GridJob, JobOutcome, JobRound } from "../../src/grid/job.js"
import { onWorker } from "../../src/grid/runner.js"
import type { ThreadMessage, ThreadRequest } from "../../src/runtime/thread.js"

type Message = ThreadMessage<JobRound, JobOutcome>
/** A stand-in for a grid worker thread: answers each request with the messages `reply` gives. */
const fakeWorker = (reply: (r: ThreadRequest<GridJob>) => ReadonlyArray<Message>) => {
  const worker = new EventEmitter() as EventEmitter & { postMessage: (r: ThreadRequest<GridJob>) => void }
  worker.postMessage = (r) => setImmediate(() => reply(r).forEach((m) => worker.emit("message", m)))
  return worker
}
const job = (id: number): GridJob => ({ id, dir: `/tmp/run-${id}`, spec: {} as GridJob["spec"] })
const listeners = (w: EventEmitter) => ["message", "error", "exit"].map((e) => w.listenerCount(e))
const ran = (seconds: number): JobOutcome => ({ status: "ran", rounds: 1, lastRound: null, seconds })

describe("grid jobs on a worker thread (runtime/thread.ts)", () => {
  it("a worker serves many jobs without keeping their listeners, each job's rounds its progress", async () => {
    const worker = fakeWorker(({ id, request }) => [
      { id, type: "progress", progress: { round: request.id, labeled: 20, accuracy: 0.5 } },
      { id, type: "done", value: ran(request.id) }
    ])
    const rounds: Array<number> = []
    for (let id = 0; id < 12; id++) {
      const outcome = await Effect.runPromise(onWorker(worker as unknown as Worker, job(id), (r) => rounds.push(r.round)))
      expect(outcome.seconds).toBe(id)
      expect(listeners(worker)).toEqual([0, 0, 0])
    }
    expect(rounds).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
  })

  it("a job fails with the worker's message, when the worker could not set up, and when it exits, and leaves no listeners", async () => {
    const failing = fakeWorker(({ id }) => [{ id, type: "failed", message: "bad spec" }])
    const failed = await Effect.runPromiseExit(onWorker(failing as unknown as Worker, job(1), () => {}))
    expect(Exit.isFailure(failed) && JSON.stringify(failed.cause)).toContain("bad spec")
    expect(listeners(failing)).toEqual([0, 0, 0])

    const broken = fakeWorker(() => [{ id: -1, type: "failed", message: "no backend" }])
    const unset = await Effect.runPromiseExit(onWorker(broken as unknown as Worker, job(1), () => {}))
    expect(Exit.isFailure(unset) && JSON.stringify(unset.cause)).toContain("no backend")

    const exiting = fakeWorker(() => [])
    exiting.postMessage = () => setImmediate(() => exiting.emit("exit", 1))
    const exited = await Effect.runPromiseExit(onWorker(exiting as unknown as Worker, job(2), () => {}))
    expect(Exit.isFailure(exited) && JSON.stringify(exited.cause)).toContain("the worker exited (code 1)")
    expect(listeners(exiting)).toEqual([0, 0, 0])
  })

  it("ignores messages for other requests", async () => {
    const worker = fakeWorker(({ id }) => [
      { id: id + 100, type: "done", value: { status: "skipped", rounds: 0, lastRound: null, seconds: 0 } },
      { id: -1, type: "ready" },
      { id, type: "done", value: { status: "ran", rounds: 3, lastRound: null, seconds: 1 } }
    ])
    const outcome = await Effect.runPromise(onWorker(worker as unknown as Worker, job(7), () => {}))
    expect(outcome).toMatchObject({ status: "ran", rounds: 3 })
  })
})
