import { execFile } from "node:child_process"
import { promisify } from "node:util"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { hostname, tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { describeCell, gridStatus } from "../../src/grid/status.js"
import { deal, lastLine, runDeal } from "../cli/run-deal.js"

const tinyGrid = {
  name: "tiny",
  description: "two strategies, two seeds, a small MNIST subsample",
  base: { dataset: "mnist", model: "mlp", nTrain: 400, nTest: 200, nInitLabeled: 20, initialSelection: "balanced", nQuery: 20, nRound: 2, epochs: 1 }
}

const specIn = (dir: string, grid: object) => {
  const file = join(dir, "grid-spec.json")
  writeFileSync(file, JSON.stringify(grid))
  return file
}

const results = (out: string, run: string) => readFileSync(join(out, run, "results.csv"), "utf8")

/**
 * A one-cell grid (random, seed 1) recorded in OUT (a dry run writes grid.json and runs nothing)
 * whose run directory holds the lock `holder` wrote.
 */
const lockedCell = async (holder: object) => {
  const spec = specIn(mkdtempSync(join(tmpdir(), "deal-cells-")), { ...tinyGrid, strategies: ["random"], seeds: [1] })
  const out = join(spec, "..", "out")
  await deal("experiment", spec, "--out", out, "--slurm", "--dry_run")
  mkdirSync(join(out, "random", "seed-1"), { recursive: true })
  writeFileSync(join(out, "random", "seed-1", ".lock"), JSON.stringify(holder))
  return { spec, out }
}

/** Each cell's state as `deal experiment status` words it, read in this process (the command itself is run in the first test). */
const cellStates = (out: string) => Effect.runPromise(gridStatus(out)).then((cells) => cells.map(({ run, state }) => `${run.dir}: ${describeCell(state)}`))

describe("deal experiment --cell and deal experiment status (one cell per scheduler task)", () => {
  it("runs exactly the cell asked for, resumes it when asked again, and status shows every cell", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deal-cells-"))
    const spec = specIn(dir, { ...tinyGrid, strategies: ["entropy", "random"], seeds: [1, 2] })
    const out = join(dir, "out")
    const first = await deal("experiment", spec, "--out", out, "--cell", "1")
    expect(first.code).toBe(0)
    expect(lastLine(first.stdout)).toBe(`cell 1 (random/seed-1): ran, 3 rounds; in ${out}`)
    expect(existsSync(join(out, "entropy", "seed-1"))).toBe(false)
    expect(JSON.parse(readFileSync(join(out, "grid.json"), "utf8")).runs).toHaveLength(4)

    const again = await deal("experiment", spec, "--out", out, "--cell", "1")
    expect(lastLine(again.stdout)).toBe(`cell 1 (random/seed-1): skipped, 3 rounds; in ${out}`)

    const status = await deal("experiment", "status", out)
    expect(status.stdout.trimEnd().split("\n")).toEqual([
      "   0  entropy/seed-1  not started",
      "   1  random/seed-1   finished at round 2",
      "   2  entropy/seed-2  not started",
      "   3  random/seed-2   not started",
      "4 cells: 1 finished, 0 running, 0 stopped, 0 failed, 3 not started"
    ])

    const outside = await deal("experiment", spec, "--out", out, "--cell", "4")
    expect(outside.code).toBe(1)
    expect(lastLine(outside.stderr)).toBe("deal: GridError: --cell 4: grid 'tiny' has cells 0 to 3 (one per strategy × seed)")
  }, 120_000)

  it("a cell killed with SIGKILL mid-run shows as stopped, and running it again resumes it to the results of an uninterrupted run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deal-cells-"))
    const spec = specIn(dir, { ...tinyGrid, base: { ...tinyGrid.base, nRound: 3 }, strategies: ["entropy"], seeds: [3] })
    const [killed, whole] = [join(dir, "killed"), join(dir, "whole")]
    // the process kills itself (test-only hook) before it writes round 2's model
    const cut = await runDeal(["experiment", spec, "--out", killed, "--cell", "0"], { env: { DEAL_TEST_KILL_AT: "2:model" } })
    expect(cut.signal).toBe("SIGKILL")
    expect(await cellStates(killed)).toEqual(["entropy/seed-3: stopped after round 1: run it again to resume"])
    const resumed = await deal("experiment", spec, "--out", killed, "--cell", "0")
    expect(lastLine(resumed.stdout)).toBe(`cell 0 (entropy/seed-3): resumed, 4 rounds; in ${killed}`)
    await deal("experiment", spec, "--out", whole, "--cell", "0")
    expect(results(killed, "entropy/seed-3")).toBe(results(whole, "entropy/seed-3"))
  }, 120_000)

  it("status shows a cell whose lock a live process holds as running, with its host, pid and last complete round (0: none yet)", async () => {
    // a task that has just taken its cell's lock: this test's own process (alive) as the holder
    const { out } = await lockedCell({ pid: process.pid, host: hostname(), since: new Date().toISOString() })
    expect(await cellStates(out)).toEqual([`random/seed-1: running on ${hostname()} (pid ${process.pid}), last complete round 0`])
  }, 60_000)

  it("a requeued SLURM task takes over the lock its killed earlier instance left on another node; another process is refused", async () => {
    const { spec, out } = await lockedCell({ pid: 1, host: "node-elsewhere", since: "2026-12-01T00:00:00.000Z", task: "slurm:7_0" })
    const other = await deal("experiment", spec, "--out", out, "--cell", "0")
    expect(other.code).toBe(1)
    expect(lastLine(other.stderr)).toContain("is being written by pid 1 on node-elsewhere")
    const requeued = await runDeal(["experiment", spec, "--out", out, "--cell", "0"], { env: { SLURM_ARRAY_JOB_ID: "7", SLURM_ARRAY_TASK_ID: "0" } })
    expect(requeued.code).toBe(0)
    expect(requeued.stdout + requeued.stderr).toContain("an earlier instance of this task (slurm:7_0)")
    expect(lastLine(requeued.stdout)).toBe(`cell 0 (random/seed-1): ran, 3 rounds; in ${out}`)
  }, 60_000)

  it("records a cell's failure for status, with its one-line error, and clears it when the cell runs again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deal-cells-"))
    const csv = join(dir, "data.csv")
    const spec = specIn(dir, { name: "csv", description: "a csv that is not there yet", base: { dataset: `csv:${csv}`, model: "logreg", nTrain: 40, nTest: 20, nInitLabeled: 4, nQuery: 4, nRound: 1, epochs: 1 }, strategies: ["random"], seeds: [1] })
    const out = join(dir, "out")
    const failed = await deal("experiment", spec, "--out", out, "--cell", "0")
    expect(failed.code).toBe(1)
    expect((await cellStates(out))[0]).toContain(`random/seed-1: failed on ${hostname()} before its first round: DataError: ${csv}: no such file or folder`)
    // the data arrives; the cell runs and the failure is gone
    writeFileSync(csv, ["x1,x2,label", ...Array.from({ length: 80 }, (_, i) => `${i % 7},${(i * 3) % 5},${i % 2}`)].join("\n") + "\n")
    const ok = await deal("experiment", spec, "--out", out, "--cell", "0")
    expect(ok.code).toBe(0)
    expect(await cellStates(out)).toEqual(["random/seed-1: finished at round 1"])
  }, 120_000)

  it("--slurm --dry_run writes an sbatch array of one task per cell, asking for the spec's resources, which runs its cell when a task runs it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deal-slurm-"))
    const spec = specIn(dir, { ...tinyGrid, strategies: ["entropy", "random"], seeds: [1, 2], resources: { cpus: 1, memory: "2G", time: "01:00:00" } })
    const out = join(dir, "out with space")
    const dry = await deal("experiment", spec, "--out", out, "--slurm", "--dry_run", "--throttle", "2", "--seeds", "2,1", "--slurm_args", "--partition=cpu --time=00:30:00")
    expect(dry.code).toBe(0)
    const script = readFileSync(join(out, "slurm", "array.sbatch"), "utf8")
    expect(dry.stdout).toContain(script)
    const lines = script.split("\n")
    expect(lines).toContain("#SBATCH --array=0-3%2")
    expect(lines).toContain("#SBATCH --requeue")
    expect(lines).toContain("#SBATCH --partition=cpu")
    expect(lines).toContain("#SBATCH --time=00:30:00")
    // the spec's resources, but the time the command line gives
    expect(lines).toContain("#SBATCH --cpus-per-task=1")
    expect(lines).toContain("#SBATCH --mem=2G")
    expect(lines).not.toContain("#SBATCH --time=01:00:00")
    expect(lines).toContain(`#SBATCH --output='${join(out, "slurm", "%A_%a.out")}'`)
    expect(script).toMatch(/experiment \S+grid-spec\.json --out '[^']+out with space' --cell "\$SLURM_ARRAY_TASK_ID" --seeds 2,1 --threads/)
    // the grid is recorded for status before any task runs
    expect(await cellStates(out)).toEqual(["entropy/seed-2", "random/seed-2", "entropy/seed-1", "random/seed-1"].map((run) => `${run}: not started`))
    // a task: the script as SLURM runs it, with its array index (seed 2 first: cell 1 is random/seed-2)
    const task = await promisify(execFile)("bash", [join(out, "slurm", "array.sbatch")], { encoding: "utf8", env: { ...process.env, SLURM_ARRAY_TASK_ID: "1", SLURM_CPUS_PER_TASK: "1" } })
    expect(lastLine(task.stdout)).toBe(`cell 1 (random/seed-2): ran, 3 rounds; in ${out}`)
    expect((await cellStates(out))[1]).toBe("random/seed-2: finished at round 2")
  }, 120_000)
})
