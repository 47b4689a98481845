import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
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
    throw new Error(`the grid in ${out} did not finish: ${last}`)
  }

  let dir = ""
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "deal-slurm-"))
  })

  it("a quick grid through sbatch, one array task per cell, gives the report the same grid gives locally", async () => {
    const spec = join(dir, "tiny.json")
    writeFileSync(spec, JSON.stringify({ name: "tiny", description: "2 × 2 on a small MNIST subsample", base, strategies: ["entropy", "random"], seeds: [1, 2] }))
    const [local, through] = [join(dir, "local"), join(dir, "slurm")]
    const started = Date.now()
    expect((await deal("experiment", spec, "--out", local, "--parallel", "2")).code).toBe(0)
    const localSeconds = (Date.now() - started) / 1000
    const submitted = await deal("experiment", spec, "--out", through, "--slurm", "--throttle", "2", "--slurm_args", "--cpus-per-task=1")
    expect(submitted.stdout).toMatch(/^submitted SLURM array job \d+: 4 cells of grid tiny/)
    await finished(through, 4)
    console.log(`the tiny grid: ${localSeconds.toFixed(1)} s locally on 2 workers, ${((Date.now() - started) / 1000 - localSeconds).toFixed(1)} s through SLURM (2 tasks at once)`)
    for (const run of ["entropy/seed-1", "random/seed-1", "entropy/seed-2", "random/seed-2"]) {
      expect(readFileSync(join(through, run, "results.csv"), "utf8")).toBe(readFileSync(join(local, run, "results.csv"), "utf8"))
    }
    expect((await deal("report", local)).code).toBe(0)
    expect((await deal("report", through)).code).toBe(0)
    expect(readFileSync(join(through, "report", "curves.csv"), "utf8")).toBe(readFileSync(join(local, "report", "curves.csv"), "utf8"))
  }, 240_000)

  it("a task requeued mid-run (scontrol requeue) resumes its cell and gives the results of an uninterrupted run", async () => {
    const spec = join(dir, "slow.json")
    // the Gal CNN scoring 1,000 images: rounds of a second or two, long enough to requeue mid-run
    const slow = { ...base, model: "gal-cnn", epochs: 3, nTrain: 1000, nTest: 300, nRound: 4 }
    writeFileSync(spec, JSON.stringify({ name: "slow", description: "one cell", base: slow, strategies: ["entropy"], seeds: [3] }))
    const [local, through] = [join(dir, "slow-local"), join(dir, "slow-slurm")]
    const submitted = await deal("experiment", spec, "--out", through, "--slurm")
    const job = /array job (\d+)/.exec(submitted.stdout)![1]
    let status = ""
    for (let waited = 0; !/running on .*last complete round [1-9]/.test(status) && waited < 120_000; waited += 500) {
      status = (await deal("experiment", "status", through)).stdout
      await sleep(500)
    }
    expect(status).toMatch(/running on/)
    await scontrol("requeue", `${job}_0`)
    // SLURM holds a requeued job back (pending, its begin time two minutes on): once it is, let it go now
    for (let waited = 0; waited < 60_000; waited += 250) {
      const state = await promisify(execFile)("squeue", ["-h", "-j", `${job}_0`, "-o", "%T"], { encoding: "utf8", env: { ...process.env, ...slurm!.env } })
      if (state.stdout.trim() === "PENDING") {
        await scontrol("update", `JobId=${job}_0`, "StartTime=now")
        break
      }
      await sleep(250)
    }
    const done = await finished(through, 1)
    expect(done).toContain("0  entropy/seed-3  finished at round 4")
    expect(readFileSync(join(through, "slurm", `${job}_0.out`), "utf8")).toMatch(/cell 0 \(entropy\/seed-3\): resumed, 5 rounds/)
    expect((await deal("experiment", spec, "--out", local, "--cell", "0")).code).toBe(0)
    expect(readFileSync(join(through, "entropy/seed-3", "results.csv"), "utf8")).toBe(readFileSync(join(local, "entropy/seed-3", "results.csv"), "utf8"))
  }, 240_000)
})
