import { describe, expect, it } from "vitest"
import { defaultTargets, type RunResults, summarizeGrid } from "../../src/grid/summary.js"
import type { GridBase, GridRun, ResolvedGrid } from "../../src/grid/spec.js"
import type { StopPoint } from "../../src/stopping/analysis.js"

// Two strategies × seeds 1, 2 (and seed 3, which has no results yet); 10 initial labels, 10 a round.
const run = (strategy: string, seed: number): GridRun => ({ strategy, seed, dir: `${strategy}/seed-${seed}`, spec: { strategy, seed } as GridRun["spec"] })
const grid: ResolvedGrid = {
  name: "hand",
  description: "worked by hand",
  profile: null,
  strategies: ["a", "b"],
  seeds: [1, 2, 3],
  base: { nInitLabeled: 10 } as GridBase,
  report: { targets: [0.7, 0.88], paper: { source: "a table", unit: "acquired", reach: { a: { name: "Paper A", labels: { "0.7": 12 } } } } },
  runs: [1, 2, 3].flatMap((seed) => ["a", "b"].map((strategy) => run(strategy, seed)))
}
const results = (strategy: string, seed: number, accuracies: ReadonlyArray<number>, time = { train: 0, score: 0, select: 0 }, finished = true): RunResults => ({
  run: run(strategy, seed),
  curve: { strategy, seed, points: accuracies.map((accuracy, i) => ({ labels: 10 + 10 * i, accuracy })) },
  finished,
  time
})
const runs: ReadonlyArray<RunResults> = [
  // given out of order: the summary follows the grid's
  results("b", 2, [0.4, 0.6, 0.8]),
  results("a", 1, [0.5, 0.7, 0.8], { train: 1, score: 2, select: 3 }),
  results("a", 2, [0.7, 0.8, 0.9], { train: 4, score: 5, select: 6 }),
  // one round further than the others, and not finished
  results("b", 1, [0.5, 0.6, 0.7, 0.9], undefined, false),
  // started, no round yet: missing, like a/seed-3 which has no results at all
  results("b", 3, []),
  // not a run of this grid
  results("c", 1, [0.1, 0.2, 0.3])
]

describe("summarizeGrid (worked by hand)", () => {
  const summary = summarizeGrid(grid, runs)
  const [a, b] = summary.strategies

  it("reports the runs with results in the grid's order, names the missing ones, and the budget they all cover", () => {
    expect(summary.runs.map((r) => r.run.dir)).toEqual(["a/seed-1", "b/seed-1", "a/seed-2", "b/seed-2"])
    expect(summary.missing).toEqual(["a/seed-3", "b/seed-3"])
    // from the largest first label count (10) to the smallest last one (30: b/seed-1's 40 is beyond)
    expect(summary.budget).toEqual({ from: 10, to: 30 })
    expect(summary.initialLabels).toBe(10)
    expect(summary.targets).toEqual([0.7, 0.88])
    expect(summary.strategies.map((s) => [s.strategy, s.seeds, s.unfinished])).toEqual([["a", 2, 0], ["b", 2, 1]])
  })

  it("gives the seed-mean curves, with the seeds behind each point", () => {
    const curve = (strategy: string) => summary.curves.filter((c) => c.strategy === strategy).map((c) => [c.labels, +c.mean.toFixed(10), c.n])
    expect(curve("a")).toEqual([[10, 0.6, 2], [20, 0.75, 2], [30, 0.85, 2]])
    expect(curve("b")).toEqual([[10, 0.45, 2], [20, 0.6, 2], [30, 0.75, 2], [40, 0.9, 1]])
  })

  it("spreads final accuracy and AUBC over seeds", () => {
    // accuracy at 30 labels: a 0.8, 0.9; b 0.7, 0.8
    expect(a.finalAccuracy).toMatchObject({ n: 2, min: 0.8, max: 0.9 })
    expect(a.finalAccuracy.mean).toBeCloseTo(0.85, 12)
    expect(a.finalAccuracy.std).toBeCloseTo(0.1 / Math.SQRT2, 12)
    expect(b.finalAccuracy.mean).toBeCloseTo(0.75, 12)
    // AUBC over 10–30 labels: a/seed-1 ((0.5 + 0.7) / 2 · 10 + (0.7 + 0.8) / 2 · 10) / 20 = 0.675,
    // a/seed-2 (7.5 + 8.5) / 20 = 0.8; b: both (5.5 + 6.5) / 20 = (5 + 7) / 20 = 0.6 (b/seed-1's 40 is outside)
    expect(a.aubc.mean).toBeCloseTo((0.675 + 0.8) / 2, 12)
    expect(a.aubc.std).toBeCloseTo(0.125 / Math.SQRT2, 12)
    expect(b.aubc.mean).toBeCloseTo(0.6, 12)
    expect(b.aubc.std).toBeCloseTo(0, 12)
  })

  it("reads labels to reach each target off the mean curve (where every seed has run) and off each seed's curve", () => {
    const [a70, a88] = a.reach
    // a's mean curve 0.6, 0.75, 0.85: 70% at 20 labels, 88% never; seeds: 70% at 20 and 10, 88% never and at 30
    expect(a70).toMatchObject({ target: 0.7, labels: 20, seedLabels: [20, 10], paper: 12 })
    expect(a70.seedSpread).toMatchObject({ n: 2, mean: 15, min: 10, max: 20 })
    expect(a88).toMatchObject({ target: 0.88, labels: undefined, seedLabels: [undefined, 30], paper: undefined })
    expect(a88.seedSpread).toMatchObject({ n: 1, mean: 30, std: 0 })
    expect(a.paperName).toBe("Paper A")
    expect(a.meanCurveEnd).toBe(30)
    const [b70, b88] = b.reach
    // b's mean curve stops at 30 where both seeds have run (its 0.9 at 40 is one seed's): 70% at 30, 88% never;
    // b/seed-1 reaches 88% at 40 on its own curve
    expect(b70).toMatchObject({ labels: 30, seedLabels: [30, 30] })
    expect(b88).toMatchObject({ labels: undefined, seedLabels: [40, undefined] })
    expect(b.meanCurveEnd).toBe(30)
    expect(b.paperName).toBeUndefined()
  })

  it("sums the stages' seconds and spreads rounds and seconds per run", () => {
    expect(a.time).toMatchObject({ train: 5, score: 7, select: 9 })
    expect(a.time.rounds).toMatchObject({ mean: 3, std: 0 })
    // 6 and 15 seconds a run
    expect(a.time.perRun).toMatchObject({ mean: 10.5, min: 6, max: 15 })
    expect(b.time.rounds).toMatchObject({ mean: 3.5, min: 3, max: 4 })
  })

  it("has no stopping part without stop points, and takes the targets given, else the grid's, else the defaults", () => {
    expect(summary.stopping).toBeUndefined()
    expect(summarizeGrid(grid, runs, { targets: [0.5] }).strategies[0].reach.map((r) => r.labels)).toEqual([10])
    expect(summarizeGrid({ ...grid, report: {} }, runs).targets).toEqual(defaultTargets)
  })

  it("sums up each criterion's stops per strategy, leaving out the cheapest round and runs not reported", () => {
    const stop = (criterion: string, fired: boolean, labels: number, accuracy: number, accuracyChange: number): StopPoint => ({
      criterion,
      fired,
      round: labels / 10 - 1,
      labels,
      accuracy,
      macroF1: accuracy,
      labelsSaved: 0,
      accuracyChange,
      cost: 0,
      reason: ""
    })
    const stops = new Map<string, ReadonlyArray<StopPoint>>([
      ["a/seed-1", [stop("x", true, 20, 0.7, -0.1), stop("(cheapest round)", true, 10, 0.5, -0.3)]],
      ["a/seed-2", [stop("x", false, 30, 0.9, 0)]],
      ["b/seed-1", [stop("x", true, 20, 0.6, -0.3), stop("y", false, 40, 0.9, 0)]],
      ["b/seed-3", [stop("x", true, 10, 0.1, 0)]]
    ])
    const stopping = summarizeGrid(grid, runs, { stops }).stopping!
    expect(stopping.summaries.map((s) => [s.strategy, s.criterion, s.runs, s.fired])).toEqual([["a", "x", 2, 1], ["b", "x", 1, 1], ["b", "y", 1, 0]])
    expect(stopping.summaries[0].labels).toMatchObject({ mean: 25, min: 20, max: 30 })
    expect(stopping.summaries[0].accuracy.mean).toBeCloseTo(0.8, 12)
    expect(stopping.summaries[0].accuracyChange.mean).toBeCloseTo(-0.05, 12)
    expect(stopping.rows).toEqual([
      { strategy: "a", criterion: "x", labels: 20, accuracy: 0.7 },
      { strategy: "b", criterion: "x", labels: 20, accuracy: 0.6 },
      { strategy: "b", criterion: "y", labels: 40, accuracy: 0.9 },
      { strategy: "a", criterion: "x", labels: 30, accuracy: 0.9 }
    ])
  })
})
