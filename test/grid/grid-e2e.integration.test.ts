import { execFile, spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { runGrid } from "../../src/grid/runner.js"
import { type GridEvent, GridProgress } from "../../src/grid/progress.js"
import { decodeGridSpec, resolveGrid } from "../../src/grid/spec.js"

const deal = (...args: Array<string>) => promisify(execFile)("node", ["bin/deal.js", ...args], { encoding: "utf8" })

const tinyGrid = {
  name: "tiny",
  description: "two strategies, two seeds, a small MNIST subsample",
  base: { dataset: "mnist", model: "mlp", nTrain: 400, nTest: 200, nInitLabeled: 20, initialSelection: "balanced", nQuery: 20, nRound: 2, epochs: 1 },
  strategies: ["entropy", "random"],
  seeds: [1, 2],
  report: {
    targets: [0.3, 0.99],
    paper: {
      source: "a made-up table",
      unit: "acquired",
      reach: { entropy: { name: "Max Entropy", labels: { "0.3": 10, "0.99": 500 } }, random: { name: "Random", labels: { "0.3": 20 } } }
    }
  }
}

describe("deal experiment and deal report (the built CLI)", () => {
  it("runs a grid in worker threads, skips finished runs when run again, and reports on it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deal-grid-"))
    const spec = join(dir, "tiny.json")
    const out = join(dir, "out")
    writeFileSync(spec, JSON.stringify(tinyGrid))

    const first = await deal("experiment", spec, "--parallel", "2", "--out", out)
    expect(first.stderr).toContain("4 runs (2 strategies × 2 seeds) on 2 worker threads")
    expect(first.stderr).toMatch(/\[4\/4\] (entropy|random) seed \d: 3 rounds/)
    expect(first.stdout).toContain("grid tiny: 4 ran, 0 resumed, 0 already finished, 0 failed")
    const grid = JSON.parse(readFileSync(join(out, "grid.json"), "utf8"))
    expect(grid.runs.map((r: { dir: string }) => r.dir)).toEqual(["entropy/seed-1", "random/seed-1", "entropy/seed-2", "random/seed-2"])
    expect(grid.runs[3].spec).toMatchObject({ strategy: "random", seed: 2, nTrain: 400 })
    for (const run of grid.runs) {
      expect(JSON.parse(readFileSync(join(out, run.dir, "checkpoint.json"), "utf8")).finished).toBe(true)
      expect(readFileSync(join(out, run.dir, "results.csv"), "utf8").trim().split("\n")).toHaveLength(4)
    }

    const csv = join(out, "random", "seed-2", "results.csv")
    const before = statSync(csv).mtimeMs
    const again = await deal("experiment", spec, "--out", out)
    expect(again.stdout).toContain("grid tiny: 0 ran, 0 resumed, 4 already finished, 0 failed")
    expect(statSync(csv).mtimeMs).toBe(before)
    // Running part of the grid adds to grid.json rather than replacing it.
    const part = await deal("experiment", spec, "--out", out, "--strategies", "random", "--seeds", "2")
    expect(part.stdout).toContain("grid tiny: 0 ran, 0 resumed, 1 already finished, 0 failed")
    expect(JSON.parse(readFileSync(join(out, "grid.json"), "utf8")).runs.map((r: { dir: string }) => r.dir)).toEqual(grid.runs.map((r: { dir: string }) => r.dir))

    const report = await deal("report", out)
    expect(report.stdout).toContain(`wrote 6 files to ${out}/report/`)
    const svg = readFileSync(join(out, "report", "curves.svg"), "utf8")
    for (const text of ["labelled examples", "test accuracy (mean ± std over 2 seeds)", "entropy", "random", "strategy"]) expect(svg).toContain(text)
    // The subtitle goes on two lines (the paper's 99% point lies beyond the budget), so the SVG is
    // the plot (640) and the legend wide, not as wide as a one-line subtitle would make it.
    expect(svg).toContain("(1 of 3 lie beyond 60 labels, not shown)")
    expect(Number(/<svg[^>]* width="(\d+)"/.exec(svg)?.[1])).toBeLessThan(880)
    const md = readFileSync(join(out, "report", "summary.md"), "utf8")
    expect(md).toMatch(/^\| entropy \| 2 \| 0\.\d{4} ± 0\.\d{4} \| 0\.\d{4} ± 0\.\d{4} \|$/m)
    expect(md).toMatch(/^\| random \| Random \| (\d+|not reached \(> 40\)) \| [^|]+ \| 20 \| not reached \(> 40\) \| not reached \(—, —\) \| — \|$/m)
    expect(md).toContain("| strategy | in the paper | 30%: ours, mean curve | 30%: ours, per seed | 30%: paper | 99%: ours, mean curve | 99%: ours, per seed | 99%: paper |")
    const summary = readFileSync(join(out, "report", "summary.csv"), "utf8").split("\n")
    expect(summary[0]).toBe(
      "strategy,paper_name,seeds,unfinished,labels_from,labels_to,final_accuracy_mean,final_accuracy_std,aubc_mean,aubc_std," +
        "labels_to_0.3,acquired_to_0.3,seeds_reaching_0.3,seed_acquired_to_0.3_mean,seed_acquired_to_0.3_std,paper_acquired_to_0.3," +
        "labels_to_0.99,acquired_to_0.99,seeds_reaching_0.99,seed_acquired_to_0.99_mean,seed_acquired_to_0.99_std,paper_acquired_to_0.99," +
        "rounds_mean,train_seconds,score_seconds,select_seconds,seconds_per_run_mean,seconds_per_run_std"
    )
    expect(summary[1]).toMatch(/^entropy,Max Entropy,2,0,20,60,/)
    // The time columns are the sums of what each entropy run's results.json measured.
    const entropyRounds = [1, 2].flatMap(
      (seed) => JSON.parse(readFileSync(join(out, "entropy", `seed-${seed}`, "results.json"), "utf8")).rounds as Array<Record<string, number>>
    )
    const cell = (name: string) => Number(summary[1].split(",")[summary[0].split(",").indexOf(name)])
    expect(cell("rounds_mean")).toBe(entropyRounds.length / 2)
    expect(cell("train_seconds")).toBeCloseTo(entropyRounds.reduce((a, r) => a + r.trainSeconds, 0), 6)
    expect(cell("score_seconds")).toBeCloseTo(entropyRounds.reduce((a, r) => a + r.scoreSeconds, 0), 6)
    expect(cell("train_seconds")).toBeGreaterThan(0)
    expect(md).toMatch(/^\| entropy \| 3\.0 ± 0\.0 \| \d+\.\d ± \d+\.\d \| \d+\.\d\d \| \d+\.\d\d \| \d+\.\d\d \| \d+\.\d\d \|$/m)
    expect(md).toMatch(/^\d+\.\d\d h of timed stages over 4 runs/m)
    const html = readFileSync(join(out, "report", "index.html"), "utf8")
    expect(html).toContain("<svg")
    expect(html).toContain("<table>")
    expect(existsSync(join(out, "report", "stopping.svg"))).toBe(false)

    const withStopping = await deal("report", out, "--stopping")
    expect(withStopping.stdout).toContain("wrote 9 files")
    expect(readFileSync(join(out, "report", "stopping.csv"), "utf8")).toMatch(/^strategy,criterion,runs,fired,labels_mean,/)
    expect(readFileSync(join(out, "report", "summary.md"), "utf8")).toMatch(/^\| entropy \| stabilizing-predictions \| 0\/2 \| 60\.0 ± 0\.0 \[60\.0–60\.0\] \|/m)
  })

  it("refuses a grid directory that holds another grid, naming what differs (other than the budget)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deal-grid-"))
    // a grid with 2 epochs and nRound 0 was run in out (its grid.json is what deal experiment checks)
    mkdirSync(join(dir, "out"))
    writeFileSync(
      join(dir, "out", "grid.json"),
      JSON.stringify({
        formatVersion: 1,
        name: "tiny",
        description: "",
        profile: null,
        strategies: [],
        seeds: [],
        base: { ...tinyGrid.base, epochs: 2, nRound: 0 },
        report: {},
        runs: []
      })
    )
    const b = join(dir, "b.json")
    writeFileSync(b, JSON.stringify({ ...tinyGrid, base: { ...tinyGrid.base, nRound: 1 }, seeds: [1] }))
    const refused = await deal("experiment", b, "--out", join(dir, "out")).then(
      () => undefined,
      (e: { stderr: string; code: number }) => e
    )
    expect(refused?.code).toBe(1)
    expect(refused?.stderr.trim().split("\n").at(-1)).toBe(`deal: GridError: ${join(dir, "out")} holds another grid (base.epochs: saved 2, given 1): choose another --out`)
  })
})

describe("deal experiment, resumed and interrupted", () => {
  const oneRun = (nRound: number) => ({ ...tinyGrid, base: { ...tinyGrid.base, nRound }, strategies: ["entropy"], seeds: [1] })

  it("a grid whose budget grew goes on with its finished runs, and grid.json claims only what they got", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deal-grid-"))
    const out = join(dir, "out")
    writeFileSync(join(dir, "short.json"), JSON.stringify(oneRun(1)))
    writeFileSync(join(dir, "long.json"), JSON.stringify(oneRun(3)))
    await deal("experiment", join(dir, "short.json"), "--out", out)
    const longer = await deal("experiment", join(dir, "long.json"), "--out", out)
    expect(longer.stdout).toContain("grid tiny: 0 ran, 1 resumed, 0 already finished, 0 failed")
    const results = readFileSync(join(out, "entropy", "seed-1", "results.csv"), "utf8").trim().split("\n")
    expect(results.map((l) => l.split(",")[1])).toEqual(["labeled", "20", "40", "60", "80"])
    const grid = JSON.parse(readFileSync(join(out, "grid.json"), "utf8"))
    expect([grid.base.nRound, grid.runs[0].spec.nRound]).toEqual([3, 3])
    expect(JSON.parse(readFileSync(join(out, "entropy", "seed-1", "spec.json"), "utf8")).nRound).toBe(3)
  })

  it("SIGTERM stops the grid with exit 143, naming the runs left unfinished; the same command resumes them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deal-grid-"))
    const out = join(dir, "out")
    const spec = join(dir, "g.json")
    writeFileSync(spec, JSON.stringify({ ...tinyGrid, base: { ...tinyGrid.base, nRound: 6 }, seeds: [1] }))
    const child = spawn("node", ["bin/deal.js", "experiment", spec, "--out", out, "--parallel", "1"], { stdio: ["ignore", "ignore", "pipe"] })
    let stderr = ""
    child.stderr.on("data", (d) => (stderr += String(d)))
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    while (!existsSync(join(out, "entropy", "seed-1", "checkpoint.json"))) await new Promise((r) => setTimeout(r, 10))
    child.kill("SIGTERM")
    expect(await exited).toBe(143)
    expect(stderr.trim().split("\n").at(-1)).toMatch(
      /^deal: interrupted; 2 of 2 runs unfinished: entropy\/seed-1 \(round \d done\), random\/seed-1 \(not started\); run the same deal experiment command again to resume them$/
    )
    const again = await deal("experiment", spec, "--out", out)
    expect(again.stdout).toContain("grid tiny: 1 ran, 1 resumed, 0 already finished, 0 failed")
  })
})

describe("runGrid from the TypeScript sources", () => {
  it("runs the jobs in this process when no compiled worker is beside it, and reports each round", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deal-grid-"))
    const events: Array<GridEvent> = []
    const progress = Layer.succeed(GridProgress, { event: (e) => Effect.sync(() => void events.push(e)) })
    const grid = await Effect.runPromise(
      Effect.flatMap(decodeGridSpec({ ...tinyGrid, base: { ...tinyGrid.base, nRound: 1 }, strategies: ["random"], seeds: [3] }), (g) => resolveGrid(g))
    )
    const summary = await Effect.runPromise(runGrid(grid, { out: dir, backend: "cpu" }).pipe(Effect.provide(progress)))
    expect(summary.runs).toEqual([{ run: grid.runs[0], ok: true, outcome: expect.objectContaining({ status: "ran", rounds: 2 }) }])
    expect(events.map((e) => e._tag)).toEqual(["GridStarted", "JobStarted", "JobRound", "JobRound", "JobFinished"])
    expect(events[0]).toMatchObject({ inProcess: true, workers: 1 })
  })
})
