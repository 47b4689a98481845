import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Queue } from "bullmq"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { queueName } from "../../src/grid/queue.js"
import { runDeal } from "../cli/run-deal.js"
import { type RedisServer, startRedis } from "../services/redis-server.js"

const server = await startRedis()
if ("skip" in server) console.log(`skipping the Redis queue tests: ${server.skip}`)
const redis = "skip" in server ? undefined : (server as RedisServer)

const bin = fileURLToPath(new URL("../../bin/deal.js", import.meta.url))

/** A `deal worker` process: everything it has printed so far, and a wait for a line of it. */
interface WorkerProcess {
  readonly child: ChildProcess
  readonly output: () => string
  readonly waitFor: (pattern: RegExp, timeout?: number) => Promise<void>
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const workers: Array<WorkerProcess> = []

const startWorker = (args: ReadonlyArray<string>, env: Record<string, string> = {}): WorkerProcess => {
  const child = spawn("node", [bin, "worker", "--queue", redis!.url, "--stall_seconds", "2", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
  let output = ""
  child.stdout!.on("data", (d: Buffer) => void (output += d.toString()))
  child.stderr!.on("data", (d: Buffer) => void (output += d.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once("exit", (code, signal) => done({ code, signal })))
  const waitFor = async (pattern: RegExp, timeout = 60_000) => {
    for (let waited = 0; !pattern.test(output); waited += 100) {
      if (waited > timeout || child.exitCode !== null || child.signalCode !== null) throw new Error(`the worker never printed ${pattern}: ${output}`)
      await new Promise((done) => setTimeout(done, 100))
    }
  }
  const worker = { child, output: () => output, waitFor, exited }
  workers.push(worker)
  return worker
}

afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGTERM")
  await Promise.all(workers.map((w) => w.exited))
  await redis?.stop()
})

const tiny = {
  name: "tiny-queue",
  description: "two strategies, two seeds, a small MNIST subsample",
  strategies: ["entropy", "random"],
  seeds: [1, 2],
  base: { dataset: "mnist", model: "mlp", nTrain: 400, nTest: 200, nInitLabeled: 20, initialSelection: "balanced", nQuery: 20, nRound: 2, epochs: 1 }
}
const cells = ["entropy/seed-1", "random/seed-1", "entropy/seed-2", "random/seed-2"]
const results = (out: string, run: string) => readFileSync(join(out, run, "results.csv"), "utf8")

describe.skipIf(redis === undefined)("grids through a Redis work queue (a redis-server started here)", () => {
  let dir = ""
  let spec = ""
  let local = ""
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "deal-queue-"))
    spec = join(dir, "grid.json")
    writeFileSync(spec, JSON.stringify(tiny))
    local = join(dir, "local")
    expect((await runDeal(["experiment", spec, "--out", local, "--parallel", "2"])).code).toBe(0)
  })

  it("two workers sharing no directory, one killed with SIGKILL mid-cell: the grid finishes with a local run's results, and submitting again enqueues nothing", async () => {
    const out = join(dir, "no-shared")
    // Worker A dies (SIGKILL, the test-only hook) in round 2 of the first cell it takes.
    const a = startWorker(["--work", join(dir, "work-a")], { DEAL_TEST_KILL_AT: "2:model" })
    await a.waitFor(/^deal worker on/m)
    const submitted = await runDeal(["experiment", spec, "--out", out, "--queue", redis!.url, "--detach"])
    expect(submitted.stdout).toContain("4 cells enqueued, 0 already queued or running, 0 failed ones retried, 0 finished")
    await a.waitFor(/taken \(attempt 1\)/)
    const b = startWorker(["--work", join(dir, "work-b")])
    const killed = await a.exited
    expect(killed.signal).toBe("SIGKILL")
    const cut = /cell \d \(([a-z]+\/seed-\d)\) of \S+: taken/.exec(a.output())![1]

    const followed = await runDeal(["experiment", spec, "--out", out, "--queue", redis!.url])
    expect(followed.code).toBe(0)
    expect(followed.stdout).toContain("grid tiny-queue: 4 of 4 cells finished, 0 failed")
    for (const run of cells) expect(results(out, run), run).toBe(results(local, run))
    // Worker B took the killed cell up from the checkpoint A had sent after round 1: round 2 only.
    const resumed = b.output().split("\n").filter((line) => line.includes(`(${cut}) of`))
    expect(resumed[0]).toMatch(/taken \(attempt 1, from its checkpoint\)/)
    expect(resumed.filter((line) => / round \d,/.test(line)).map((line) => / round (\d),/.exec(line)![1])).toEqual(["2"])
    expect(resumed.at(-1)).toMatch(/resumed, 3 rounds/)
    // The runs came back through Redis without their models.
    expect(existsSync(join(out, cut, "models"))).toBe(false)

    const queue = new Queue(queueName, { connection: { url: redis!.url } })
    const before = await queue.getJobCounts()
    const again = await runDeal(["experiment", spec, "--out", out, "--queue", redis!.url])
    expect(again.stdout).toContain("0 cells enqueued, 0 already queued or running, 0 failed ones retried, 4 finished")
    expect(await queue.getJobCounts()).toEqual(before)
    expect(before.completed).toBe(4)
    await queue.close()

    // A grown budget replaces the jobs; each carries its run from OUT and goes on from its last
    // round (redone: the finished run never made its query), not from the start.
    writeFileSync(spec, JSON.stringify({ ...tiny, base: { ...tiny.base, nRound: 3 } }))
    const grown = await runDeal(["experiment", spec, "--out", out, "--queue", redis!.url])
    writeFileSync(spec, JSON.stringify(tiny))
    expect(grown.stdout).toContain("4 cells enqueued, 0 already queued or running, 0 failed ones retried, 0 finished")
    expect(grown.stdout).not.toMatch(/round [01],/)
    expect(grown.stdout).toMatch(/cell 0 \(entropy\/seed-1\): round 3,/)
    expect(grown.stdout).toContain("grid tiny-queue: 4 of 4 cells finished, 0 failed")
    const longer = join(dir, "local-longer")
    writeFileSync(join(dir, "longer.json"), JSON.stringify({ ...tiny, base: { ...tiny.base, nRound: 3 } }))
    expect((await runDeal(["experiment", join(dir, "longer.json"), "--out", longer, "--parallel", "2"])).code).toBe(0)
    for (const run of cells) expect(results(out, run), run).toBe(results(longer, run))
    b.child.kill("SIGTERM")
    expect((await b.exited).code).toBe(143)
  })

  it("with a shared directory a worker writes the runs in place, two at a time, and status follows them", async () => {
    const out = join(dir, "shared")
    const w = startWorker(["--parallel", "2"])
    await w.waitFor(/^deal worker on/m)
    const followed = await runDeal(["experiment", spec, "--out", out, "--queue", redis!.url, "--shared"])
    expect(followed.code).toBe(0)
    expect(followed.stdout).toMatch(/cell 0 \(entropy\/seed-1\): round 2, 60 labels, accuracy [\d.]+ \(on /)
    for (const run of cells) expect(results(out, run), run).toBe(results(local, run))
    const status = await runDeal(["experiment", "status", out])
    expect(status.stdout).toContain("4 cells: 4 finished")
    expect(w.output()).toContain(`in ${join(out, "entropy", "seed-1")}`)

    w.child.kill("SIGTERM")
    expect((await w.exited).code).toBe(143)
  })
})
