import { execFile } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runDeal } from "../cli/run-deal.js"
import { type SlurmCluster, startSlurm } from "../services/slurm-cluster.js"

const cluster = await startSlurm()
if ("skip" in cluster) console.log(`skipping the SLURM tests: ${cluster.skip}`)
const slurm = "skip" in cluster ? undefined : (cluster as SlurmCluster)

afterAll(async () => {
  await slurm?.stop()
})

const base = { dataset: "mnist", model: "mlp", nTrain: 400, nTest: 200, nInitLabeled: 20, initialSelection: "balanced", nQuery: 20, nRound: 2, epochs: 1 }

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

describe.skipIf(slurm === undefined)("grids through SLURM (a one-node cluster started here)", () => {
  const deal = (...args: Array<string>) => runDeal(args, { env: slurm!.env })
  const scontrol = (...args: Array<string>) => promisify(execFile)("scontrol", args, { encoding: "utf8", env: { ...process.env, ...slurm!.env } })

  /** Polls `deal experiment status OUT` until every cell finished (or `timeout` ms). */
  const finished = async (out: string, cells: number, timeout = 150_000) => {
    let last = ""
    for (let waited = 0; waited < timeout; waited += 1000) {
      last = (await deal("experiment", "status", out)).stdout
      if (last.includes(`${cells} cells: ${cells} finished`)) return last
      await sleep(1000)
    }
    const squeue = await promisify(execFile)("squeue", ["-h", "-o", "%i %T %r"], { encoding: "utf8", env: { ...process.env, ...slurm!.env } }).then((r) => r.stdout, (e: Error) => e.message)
    const sinfo = await promisify(execFile)("sinfo", ["-h", "-N", "-o", "%N %T %E"], { encoding: "utf8", env: { ...process.env, ...slurm!.env } }).then((r) => r.stdout, (e: Error) => e.message)
    const log = readFileSync(slurm!.log, "utf8").trim().split("\n").slice(-15).join("\n")
    throw new Error(`the grid in ${out} did not finish: ${last}; squeue: ${squeue.trim()}; sinfo: ${sinfo.trim()}; slurmctld.log ends:\n${log}`)
  }

  let dir = ""
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "deal-slurm-"))
  })

  it("a grid through sbatch, one array task per cell, one of them requeued mid-run, gives the results and report of the same grid run locally", async () => {
    const spec = join(dir, "grid.json")
    // the Gal CNN scoring 1,000 images: rounds of a second or two, long enough to requeue a task mid-run
    const slow = { ...base, model: "gal-cnn", epochs: 3, nTrain: 1000, nTest: 300, nRound: 4 }
    writeFileSync(spec, JSON.stringify({ name: "two", description: "one strategy, two seeds", base: slow, strategies: ["entropy"], seeds: [1, 2] }))
    const [local, through] = [join(dir, "local"), join(dir, "slurm")]
    let started = Date.now()
    expect((await deal("experiment", spec, "--out", local, "--parallel", "2")).code).toBe(0)
    const localSeconds = (Date.now() - started) / 1000
    started = Date.now()
    const submitted = await deal("experiment", spec, "--out", through, "--slurm", "--slurm_args", "--cpus-per-task=1")
    expect(submitted.stdout).toMatch(/^submitted SLURM array job \d+: 2 cells of grid two/)
    const job = /array job (\d+)/.exec(submitted.stdout)![1]
    // requeue cell 0 once its round 1 is on disk (three rounds to go)
    const csv = join(through, "entropy", "seed-1", "results.csv")
    for (let waited = 0; !(existsSync(csv) && readFileSync(csv, "utf8").trim().split("\n").length >= 3) && waited < 120_000; waited += 100) await sleep(100)
    expect((await deal("experiment", "status", through)).stdout).toMatch(/0 {2}entropy\/seed-1 {2}running on .*last complete round [1-9]/)
    await scontrol("requeue", `${job}_0`)
    // SLURM holds a requeued job back (pending, its begin time two minutes on): while it is, let it
    // go now, until it runs again (on a loaded machine it may pass through other states first)
    let left = false
    for (let waited = 0; waited < 120_000; waited += 250) {
      const state = await promisify(execFile)("squeue", ["-h", "-j", `${job}_0`, "-o", "%T"], { encoding: "utf8", env: { ...process.env, ...slurm!.env } }).then((r) => r.stdout.trim())
      if (state === "PENDING") await scontrol("update", `JobId=${job}_0`, "StartTime=now").catch(() => undefined)
      // a node drained while it ended the killed task (on a loaded machine) takes jobs again
      const node = await promisify(execFile)("sinfo", ["-h", "-N", "-o", "%N %t"], { encoding: "utf8", env: { ...process.env, ...slurm!.env } }).then((r) => r.stdout.trim().split(/\s+/), () => [])
      if (/drain|down/.test(node[1] ?? "")) await scontrol("update", `NodeName=${node[0]}`, "State=RESUME").catch(() => undefined)
      if (state !== "RUNNING") left = true
      else if (left) break
      if (state === "") break
      await sleep(250)
    }
    await finished(through, 2)
    // and the tasks have ended (their last lines written)
    for (let waited = 0; waited < 60_000; waited += 250) {
      const queued = await promisify(execFile)("squeue", ["-h", "-j", job], { encoding: "utf8", env: { ...process.env, ...slurm!.env } })
      if (queued.stdout.trim() === "") break
      await sleep(250)
    }
    console.log(`two Gal CNN cells: ${localSeconds.toFixed(1)} s locally on 2 workers, ${((Date.now() - started) / 1000).toFixed(1)} s through SLURM with one task requeued`)
    expect(readFileSync(join(through, "slurm", `${job}_0.out`), "utf8")).toMatch(/cell 0 \(entropy\/seed-1\): resumed, 5 rounds/)
    for (const run of ["entropy/seed-1", "entropy/seed-2"]) {
      expect(readFileSync(join(through, run, "results.csv"), "utf8")).toBe(readFileSync(join(local, run, "results.csv"), "utf8"))
    }
    expect((await deal("report", local)).code).toBe(0)
    expect((await deal("report", through)).code).toBe(0)
    expect(readFileSync(join(through, "report", "curves.csv"), "utf8")).toBe(readFileSync(join(local, "report", "curves.csv"), "utf8"))
  }, 600_000)
})
