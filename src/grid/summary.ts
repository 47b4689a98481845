/**
 * The numbers of a grid report, as one pure function of the grid and its runs' results: per
 * strategy the spread over seeds of final accuracy and AUBC, the labels to reach each target
 * accuracy (on the seed-mean curve and per seed, beside the paper's), rounds and stage times; the
 * seed-mean curves, the budget all runs cover, the runs without results and, given each run's
 * stop points, where each stopping criterion stops. No I/O: `gridReport` reads and writes.
 */
import type { StopRow } from "../report/grid-charts.js"
import { aubc, commonBudget, labelsToReach, meanCurves, type MeanPoint, type RunCurve, type Spread, spread } from "../report/grid-stats.js"
import type { StopPoint } from "../stopping/analysis.js"
import type { GridRun, ResolvedGrid } from "./spec.js"

/** Accuracies at which the report reads off labels when the grid names none. */
export const defaultTargets: ReadonlyArray<number> = [0.8, 0.9, 0.95]

/** Seconds spent in each timed stage, summed over a run's rounds (or over runs). */
export interface RunTime {
  readonly train: number
  readonly score: number
  readonly select: number
}

/** What the report needs of one run's results. */
export interface RunResults {
  readonly run: GridRun
  readonly curve: RunCurve
  /** Whether the run recorded why it stopped. */
  readonly finished: boolean
  readonly time: RunTime
}

/** One strategy's row of the summary. */
export interface StrategySummary {
  readonly strategy: string
  readonly seeds: number
  readonly unfinished: number
  /** Test accuracy at the end of the common budget, over seeds. */
  readonly finalAccuracy: Spread
  readonly aubc: Spread
  /** Labels of the last point of the seed-mean curve where every seed has a result. */
  readonly meanCurveEnd: number | undefined
  /**
   * Per target: labels at which the seed-mean curve first reaches it (undefined: never), and
   * at which each seed's own curve first does (undefined: that seed never does), with the
   * spread of the latter over the seeds that reach it.
   */
  readonly reach: ReadonlyArray<{
    readonly target: number
    readonly labels: number | undefined
    readonly seedLabels: ReadonlyArray<number | undefined>
    readonly seedSpread: Spread
    readonly paper: number | undefined
  }>
  readonly paperName: string | undefined
  /** Rounds per run and the seconds its stages took (training, scoring, selection), over seeds. */
  readonly time: RunTime & { readonly rounds: Spread; readonly perRun: Spread }
}

/** Per strategy and criterion: where the criterion stopped, over the strategy's runs. */
export interface StoppingSummary {
  readonly strategy: string
  readonly criterion: string
  readonly runs: number
  readonly fired: number
  readonly labels: Spread
  readonly accuracy: Spread
  readonly accuracyChange: Spread
}

export interface GridSummary {
  readonly grid: ResolvedGrid
  readonly targets: ReadonlyArray<number>
  /** The runs' initial labels: labels − this = acquired labels. */
  readonly initialLabels: number
  /** The runs with results, in the grid's order. */
  readonly runs: ReadonlyArray<RunResults>
  /** The directories of the grid's runs without results (or with no round yet). */
  readonly missing: ReadonlyArray<string>
  /** The label range every run covers. */
  readonly budget: { readonly from: number; readonly to: number } | undefined
  readonly curves: ReadonlyArray<MeanPoint>
  /** One per strategy with results, in the grid's order. */
  readonly strategies: ReadonlyArray<StrategySummary>
  /** Per strategy and criterion, and every run's stop for the chart; present when stop points were given. */
  readonly stopping:
    | { readonly summaries: ReadonlyArray<StoppingSummary>; readonly rows: ReadonlyArray<StopRow & { readonly strategy: string }> }
    | undefined
}

export interface SummaryOptions {
  /** Accuracies to read labels off at (default: the grid spec's, else `defaultTargets`). */
  readonly targets?: ReadonlyArray<number> | undefined
  /** Each run's stop points (from stop analysis) by run directory; given, the summary has a stopping part. */
  readonly stops?: ReadonlyMap<string, ReadonlyArray<StopPoint>> | undefined
}

/** The runs the report covers: those of the grid with at least one round, in the grid's order. */
export const reportedRuns = (grid: ResolvedGrid, runs: ReadonlyArray<RunResults>): ReadonlyArray<RunResults> => {
  const byDir = new Map(runs.map((r) => [r.run.dir, r] as const))
  return grid.runs.flatMap((run) => {
    const found = byDir.get(run.dir)
    return found !== undefined && found.curve.points.length > 0 ? [found] : []
  })
}

/** All the seconds of the timed stages. */
export const stageSeconds = (t: RunTime): number => t.train + t.score + t.select

const sum = (xs: ReadonlyArray<number>) => xs.reduce((a, x) => a + x, 0)

const strategySummary = (
  strategy: string,
  runs: ReadonlyArray<RunResults>,
  curves: ReadonlyArray<MeanPoint>,
  budget: GridSummary["budget"],
  targets: ReadonlyArray<number>,
  paper: ResolvedGrid["report"]["paper"]
): StrategySummary => {
  const seeds = runs.length
  // Read off the mean curve only where every seed has a result.
  const curve = curves.filter((c) => c.strategy === strategy && c.n === seeds)
  const reference = paper?.reach[strategy]
  return {
    strategy,
    seeds,
    unfinished: runs.filter((r) => !r.finished).length,
    finalAccuracy: spread(runs.map((r) => r.curve.points.find((p) => p.labels === budget?.to)?.accuracy ?? Number.NaN)),
    aubc: spread(budget === undefined ? [] : runs.map((r) => aubc(r.curve.points, budget.from, budget.to))),
    meanCurveEnd: curve.at(-1)?.labels,
    reach: targets.map((target) => {
      const seedLabels = runs.map((r) => labelsToReach(r.curve.points.map((p) => ({ labels: p.labels, mean: p.accuracy })), target))
      return {
        target,
        labels: labelsToReach(curve, target),
        seedLabels,
        seedSpread: spread(seedLabels.filter((l): l is number => l !== undefined)),
        paper: reference?.labels[String(target)]
      }
    }),
    paperName: reference?.name,
    time: {
      train: sum(runs.map((r) => r.time.train)),
      score: sum(runs.map((r) => r.time.score)),
      select: sum(runs.map((r) => r.time.select)),
      rounds: spread(runs.map((r) => r.curve.points.length)),
      perRun: spread(runs.map((r) => stageSeconds(r.time)))
    }
  }
}

/** Each criterion's stops per strategy (in order of first appearance), leaving out the cost-based "(cheapest round)". */
const stoppingSummary = (runs: ReadonlyArray<RunResults>, stops: ReadonlyMap<string, ReadonlyArray<StopPoint>>): NonNullable<GridSummary["stopping"]> => {
  const stopped = runs.flatMap((r) =>
    (stops.get(r.run.dir) ?? []).filter((p) => p.criterion !== "(cheapest round)").map((point) => ({ strategy: r.run.strategy, point }))
  )
  const groups = new Map<string, { readonly strategy: string; readonly criterion: string; readonly points: Array<StopPoint> }>()
  for (const { strategy, point } of stopped) {
    const key = `${strategy}\u0000${point.criterion}`
    const group = groups.get(key) ?? { strategy, criterion: point.criterion, points: [] }
    groups.set(key, group)
    group.points.push(point)
  }
  const summaries = [...groups.values()].map(({ strategy, criterion, points }) => ({
    strategy,
    criterion,
    runs: points.length,
    fired: points.filter((p) => p.fired).length,
    labels: spread(points.map((p) => p.labels)),
    accuracy: spread(points.map((p) => p.accuracy)),
    accuracyChange: spread(points.map((p) => p.accuracyChange))
  }))
  const rows = stopped.map(({ strategy, point: p }) => ({ strategy, criterion: p.criterion, labels: p.labels, accuracy: p.accuracy }))
  return { summaries, rows }
}

/** The summary of a grid from its runs' results (any order; runs not in the grid are left out). */
export const summarizeGrid = (grid: ResolvedGrid, results: ReadonlyArray<RunResults>, options: SummaryOptions = {}): GridSummary => {
  const runs = reportedRuns(grid, results)
  const reported = new Set(runs.map((r) => r.run.dir))
  const targets = options.targets ?? grid.report.targets ?? defaultTargets
  const budget = commonBudget(runs.map((r) => r.curve))
  const curves = meanCurves(runs.map((r) => r.curve))
  const strategies = grid.strategies.flatMap((strategy) => {
    const own = runs.filter((r) => r.run.strategy === strategy)
    return own.length === 0 ? [] : [strategySummary(strategy, own, curves, budget, targets, grid.report.paper)]
  })
  return {
    grid,
    targets,
    initialLabels: Number(grid.base.nInitLabeled ?? 0),
    runs,
    missing: grid.runs.filter((r) => !reported.has(r.dir)).map((r) => r.dir),
    budget,
    curves,
    strategies,
    stopping: options.stops === undefined ? undefined : stoppingSummary(runs, options.stops)
  }
}
