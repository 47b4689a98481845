import { join } from "node:path"
import * as aq from "arquero"
import * as Effect from "effect/Effect"
import type { TopLevelSpec } from "vega-lite"
import type { DataError } from "../data/errors.js"
import { writeFileAtomic } from "../runtime/atomic-write.js"
import { type Block, bulletList, type Document, figure, heading, paragraph, table, toHtml, toMarkdown } from "../report/document.js"
import type { WriteError } from "../runtime/atomic-write.js"
import { learningCurvesChart, stoppingSummaryChart } from "../report/grid-charts.js"
import { type MeanPoint, plusMinus, type Spread } from "../report/grid-stats.js"
import { renderSvg } from "../report/vega.js"
import { type GridRun, type ResolvedGrid, readGridOrRun } from "../run/grid-file.js"
import { readResultsIfAny, runFile } from "../run/run-files.js"
import { stopAnalysis } from "../run/stop-analysis.js"
import { type GridSummary, type RunResults, reportedRuns, stageSeconds, type StoppingSummary, type StrategySummary, summarizeGrid } from "./summary.js"

export { defaultTargets, type RunTime, type StoppingSummary, type StrategySummary } from "./summary.js"

export interface ReportOptions {
  /** Add the stopping summary (default: the grid spec's `report.stopping`). */
  readonly stopping?: boolean
  /** Accuracies to read labels off at (default: the grid spec's, else 0.8, 0.9, 0.95). */
  readonly targets?: ReadonlyArray<number>
}

export interface GridReport {
  readonly dir: string
  readonly grid: ResolvedGrid
  readonly budget: { readonly from: number; readonly to: number } | undefined
  readonly strategies: ReadonlyArray<StrategySummary>
  readonly curves: ReadonlyArray<MeanPoint>
  readonly stopping: ReadonlyArray<StoppingSummary> | undefined
  readonly missing: ReadonlyArray<string>
  readonly files: ReadonlyArray<string>
}

/** One run's learning curve, whether it finished and its stages' seconds; undefined while it has no readable results. */
/** A run's results for the report; undefined while the run has none (not started yet). */
const readRunResults = (dir: string, run: GridRun): Effect.Effect<RunResults | undefined, DataError> =>
  Effect.map(readResultsIfAny(join(dir, run.dir)), (results) => {
    if (results === undefined) return undefined
    const seconds = (key: "trainSeconds" | "scoreSeconds" | "selectSeconds") => results.rounds.reduce((a, r) => a + r[key], 0)
    return {
      run,
      curve: { strategy: run.strategy, seed: run.seed, points: results.rounds.map((r) => ({ labels: r.labeled, accuracy: r.accuracy })) },
      finished: results.stop !== null,
      time: { train: seconds("trainSeconds"), score: seconds("scoreSeconds"), select: seconds("selectSeconds") }
    }
  })

// --- tables (CSV) -------------------------------------------------------------------------

const targetKey = (t: number) => String(t)

const summaryCsv = ({ strategies, budget, initialLabels: nInit, grid }: GridSummary): string => {
  const paper = grid.report.paper
  return aq
    .from(
      strategies.map((s) => ({
        strategy: s.strategy,
        ...(paper ? { paper_name: s.paperName ?? null } : {}),
        seeds: s.seeds,
        unfinished: s.unfinished,
        labels_from: budget?.from ?? null,
        labels_to: budget?.to ?? null,
        final_accuracy_mean: s.finalAccuracy.mean,
        final_accuracy_std: s.finalAccuracy.std,
        aubc_mean: s.aubc.mean,
        aubc_std: s.aubc.std,
        ...Object.fromEntries(
          s.reach.flatMap((r) => {
            const k = targetKey(r.target)
            const reached = r.seedSpread.n
            return [
              [`labels_to_${k}`, r.labels ?? null],
              [`acquired_to_${k}`, r.labels === undefined ? null : r.labels - nInit],
              [`seeds_reaching_${k}`, reached],
              [`seed_acquired_to_${k}_mean`, reached ? r.seedSpread.mean - nInit : null],
              [`seed_acquired_to_${k}_std`, reached ? r.seedSpread.std : null],
              ...(paper ? [[`paper_${paper.unit}_to_${k}`, r.paper ?? null]] : [])
            ]
          })
        ),
        rounds_mean: s.time.rounds.mean,
        train_seconds: s.time.train,
        score_seconds: s.time.score,
        select_seconds: s.time.select,
        seconds_per_run_mean: s.time.perRun.mean,
        seconds_per_run_std: s.time.perRun.std
      }))
    )
    .toCSV()
}

const curvesCsv = ({ curves, initialLabels: nInit }: GridSummary): string =>
  aq.from(curves.map((c) => ({ strategy: c.strategy, labels: c.labels, acquired: c.labels - nInit, mean: c.mean, std: c.std, seeds: c.n }))).toCSV()

const stoppingCsv = (summaries: ReadonlyArray<StoppingSummary>): string =>
  aq
    .from(
      summaries.map((s) => ({
        strategy: s.strategy,
        criterion: s.criterion,
        runs: s.runs,
        fired: s.fired,
        labels_mean: s.labels.mean,
        labels_std: s.labels.std,
        labels_min: s.labels.min,
        labels_max: s.labels.max,
        accuracy_mean: s.accuracy.mean,
        accuracy_std: s.accuracy.std,
        accuracy_min: s.accuracy.min,
        accuracy_max: s.accuracy.max,
        accuracy_change_mean: s.accuracyChange.mean,
        accuracy_change_std: s.accuracyChange.std
      }))
    )
    .toCSV()

// --- charts ---------------------------------------------------------------------------------

/** The grid's name, with its profile when it has one. */
const gridTitle = (grid: ResolvedGrid) => `${grid.name}${grid.profile === null ? "" : ` (profile ${grid.profile})`}`

/** The learning curves, with the paper's labels-to-reach as points where the grid carries them. */
const curvesChart = ({ grid, strategies, curves, targets, initialLabels: nInit, runs }: GridSummary): TopLevelSpec => {
  const paper = grid.report.paper
  const paperPoints = paper
    ? strategies.flatMap((s) =>
        s.reach.flatMap((r) =>
          r.paper === undefined ? [] : [{ strategy: s.strategy, labels: paper.unit === "acquired" ? r.paper + nInit : r.paper, accuracy: r.target }]
        )
      )
    : []
  // The paper's points beyond the curves' budget would only squash the curves.
  const maxLabels = Math.max(0, ...curves.map((c) => c.labels))
  const shownPaper = paperPoints.filter((p) => p.labels <= maxLabels)
  return learningCurvesChart(curves, {
    title: `${gridTitle(grid)}: learning curves`,
    // One short line each: without a canvas vega over-estimates text widths (0.8 em a character),
    // and one long line would widen the SVG far beyond the plot.
    subtitle:
      paper && paperPoints.length
        ? [
            `◇ ${paper.source}: labels to reach each dashed accuracy`,
            ...(shownPaper.length < paperPoints.length
              ? [`(${paperPoints.length - shownPaper.length} of ${paperPoints.length} lie beyond ${maxLabels} labels, not shown)`]
              : [])
          ]
        : `${runs.length} runs`,
    strategies: strategies.map((s) => s.strategy),
    targets,
    paper: shownPaper,
    seeds: Math.max(0, ...strategies.map((s) => s.seeds))
  })
}

// --- the document (summary.md and index.html) ------------------------------------------------

const pct = (t: number) => `${+(t * 100).toFixed(2)}%`
/** `0.912 ± 0.004 [0.907–0.916]` (or `—`). */
const range = (s: Spread, digits: number) => (Number.isNaN(s.mean) ? "—" : `${plusMinus(s, digits)} [${s.min.toFixed(digits)}–${s.max.toFixed(digits)}]`)
const hours = (seconds: number) => (seconds / 3600).toFixed(2)

const accuracyTable = ({ strategies, budget }: GridSummary): Block =>
  table(
    ["strategy", "seeds", budget === undefined ? "final accuracy" : `accuracy at ${budget.to} labels`, budget === undefined ? "AUBC" : `AUBC ${budget.from}–${budget.to} labels`],
    strategies.map((s) => [s.strategy, `${s.seeds}${s.unfinished ? ` (${s.unfinished} unfinished)` : ""}`, plusMinus(s.finalAccuracy, 4), plusMinus(s.aubc, 4)])
  )

/** Labels to first reach each target, in the paper's unit beside the paper's when the grid carries them. */
const reachTable = ({ grid, strategies, targets, initialLabels: nInit }: GridSummary): Block => {
  const paper = grid.report.paper
  const toPaperUnit = (labels: number) => (paper?.unit === "acquired" ? labels - nInit : labels)
  const notReached = (end: number | undefined) => (end === undefined ? "not reached" : `not reached (> ${toPaperUnit(end)})`)
  /** Each seed's first reach: `mean ± std (a, b, c)`, `—` for a seed that never reaches. */
  const perSeed = ({ seedLabels, seedSpread: s }: StrategySummary["reach"][number]) => {
    const each = seedLabels.map((l) => (l === undefined ? "—" : String(toPaperUnit(l)))).join(", ")
    if (s.n === 0) return `not reached (${each})`
    return `${s.n < seedLabels.length ? `${s.n}/${seedLabels.length} seeds: ` : ""}${toPaperUnit(s.mean).toFixed(0)} ± ${s.std.toFixed(0)} (${each})`
  }
  return table(
    [
      "strategy",
      ...(paper ? ["in the paper"] : []),
      ...targets.flatMap((t) =>
        paper ? [`${pct(t)}: ours, mean curve`, `${pct(t)}: ours, per seed`, `${pct(t)}: paper`] : [`${pct(t)}: labels (acquired), mean curve`, `${pct(t)}: labels, per seed`]
      )
    ],
    strategies.map((s) => [
      s.strategy,
      ...(paper ? [s.paperName ?? "—"] : []),
      ...s.reach.flatMap((r) =>
        paper
          ? [r.labels === undefined ? notReached(s.meanCurveEnd) : String(toPaperUnit(r.labels)), perSeed(r), r.paper === undefined ? "—" : String(r.paper)]
          : [r.labels === undefined ? notReached(s.meanCurveEnd) : `${r.labels} (${r.labels - nInit})`, perSeed(r)]
      )
    ])
  )
}

const timeTable = ({ strategies }: GridSummary): Block =>
  table(
    ["strategy", "rounds per run", "per run (min)", "all seeds: training (h)", "scoring (h)", "selection (h)", "in all (h)"],
    strategies.map((s) => [
      s.strategy,
      plusMinus(s.time.rounds, 1),
      plusMinus({ mean: s.time.perRun.mean / 60, std: s.time.perRun.std / 60 }, 1),
      hours(s.time.train),
      hours(s.time.score),
      hours(s.time.select),
      hours(stageSeconds(s.time))
    ])
  )

const stoppingTable = (summaries: ReadonlyArray<StoppingSummary>, multiStrategy: boolean): Block =>
  table(
    [
      ...(multiStrategy ? ["strategy"] : []),
      "criterion",
      "fired",
      "labels at stop: mean ± std [min–max]",
      "accuracy at stop: mean ± std [min–max]",
      "accuracy − final: mean ± std"
    ],
    summaries.map((s) => [
      ...(multiStrategy ? [s.strategy] : []),
      s.criterion,
      `${s.fired}/${s.runs}`,
      range(s.labels, 1),
      range(s.accuracy, 4),
      plusMinus(s.accuracyChange, 4)
    ])
  )

const notes = ({ grid, budget, initialLabels: nInit, stopping, missing }: GridSummary): ReadonlyArray<string> => {
  const paper = grid.report.paper
  return [
    `Each curve is the mean over seeds of test accuracy against labelled examples; the band is ± one sample standard deviation (n − 1) across seeds. Where runs end at different rounds, a curve's later points average the seeds still running (curves.csv gives the count at each point).`,
    budget === undefined
      ? ""
      : `AUBC (area under the budget curve) is the trapezoidal area under a run's curve from ${budget.from} to ${budget.to} labels divided by that width (${budget.to - budget.from} labels), i.e. the curve's mean accuracy over the budget (1 = perfect from the first label); mean ± std over seeds. Accuracy at ${budget.to} labels likewise.`,
    `Labels to reach an accuracy are read off the seed-mean curve: the first label count whose mean test accuracy is ≥ the target, without interpolation (as Gal et al. 2017 read their averaged curves), over the rounds every seed has run; acquired = labels − ${nInit} initial labels. "Per seed" reads each seed's own curve the same way: mean ± std over the seeds that reach the target, then each seed's value (— for one that does not, within its run).`,
    paper ? `Paper: ${paper.source}, in ${paper.unit === "acquired" ? "acquired labels (beyond the initial set)" : "labels"}.${paper.note ? ` ${paper.note}` : ""}` : "",
    stopping
      ? `Stopping: \`deal stop-analysis\` on every run (the same criteria folded over the recorded observations); a criterion that did not fire within a run counts as stopping at the run's last round; "(final round)" and "(best round)" are references (the best round is an oracle's choice).`
      : "",
    missing.length ? `Missing or empty runs (not in the report): ${missing.join(", ")}.` : ""
  ].filter((n) => n !== "")
}

/**
 * What a profile's runs are, beside the protocol the description gives: its line on what it is
 * for, and the fields it changes.
 */
export const profileLine = (grid: ResolvedGrid): string => {
  const changes = Object.entries(grid.profileChanges ?? {}).map(([field, value]) => `${field} ${JSON.stringify(value)}`)
  return [
    `These runs are the profile ${grid.profile}, not the protocol above${grid.profileAbout === undefined ? "" : `: ${grid.profileAbout}`}.`,
    grid.profileChanges === undefined ? "The profile's changes to the protocol are in grid.json." : changes.length === 0 ? "" : `It changes ${changes.join(", ")}.`
  ]
    .filter((s) => s !== "")
    .join(" ")
}

/** The report as one document: rendered to `summary.md` and `index.html`. */
const reportDocument = (summary: GridSummary, svg: { readonly curves: string; readonly stopping: string | undefined }): Document => {
  const { grid, strategies, runs, budget, stopping } = summary
  const paper = grid.report.paper
  const title = `${gridTitle(grid)}: deal report`
  const totalSeconds = strategies.reduce((a, s) => a + stageSeconds(s.time), 0)
  return {
    title,
    blocks: [
      heading(1, title),
      paragraph(grid.description),
      ...(grid.profile === null ? [] : [paragraph(profileLine(grid))]),
      paragraph(
        `${runs.length} runs: ${strategies.length} strateg${strategies.length === 1 ? "y" : "ies"} × seeds ${grid.seeds.join(", ")}${budget ? `; ${budget.from} → ${budget.to} labels` : ""}.`
      ),
      figure("learning curves", "curves.svg", svg.curves),
      heading(2, "Accuracy and area under the budget curve (mean ± std over seeds)"),
      accuracyTable(summary),
      heading(
        2,
        paper
          ? `${paper.unit === "acquired" ? "Acquired labels" : "Labels"} to first reach a test accuracy, ours beside the paper's`
          : "Labels to first reach a test accuracy"
      ),
      reachTable(summary),
      heading(2, "Time: training, scoring and selection"),
      timeTable(summary),
      paragraph(
        `${hours(totalSeconds)} h of timed stages over ${runs.length} runs, the seconds each run measured around its stages (sums over its rounds, resumed rounds included); evaluating the test, validation and stop sets is not timed, and runs that shared cores each count their own wall time.`
      ),
      ...(stopping && svg.stopping !== undefined
        ? [heading(2, "Stopping criteria"), figure("stopping", runFile.stoppingSvg, svg.stopping), stoppingTable(stopping.summaries, strategies.length > 1)]
        : []),
      heading(2, "Notes"),
      bulletList(notes(summary))
    ]
  }
}

/**
 * `deal report DIR`: reads a grid written by `deal experiment` (its grid file and every run's
 * results, through `src/run`'s readers) and writes `DIR/report/`: `curves.svg` (+ its vega-lite spec `curves.vl.json`
 * and the numbers in `curves.csv`), `summary.csv` and `summary.md` (final accuracy and area under
 * the budget curve per strategy, mean ± std over seeds; labels to first reach each target accuracy
 * on the seed-mean curve, beside the paper's when the grid carries them; rounds and the time the
 * runs' stages took), with the stopping summary (named as stop-analysis names a run's) when asked, and one
 * self-contained `index.html`. The numbers come from `summarizeGrid`, the text from one document.
 */
export const gridReport = (dir: string, options: ReportOptions = {}): Effect.Effect<GridReport, DataError | WriteError> =>
  Effect.gen(function* () {
    const grid = yield* readGridOrRun(dir)
    const out = join(dir, "report")
    const read = yield* Effect.forEach(grid.runs, (run) => readRunResults(dir, run))
    const results = read.filter((r): r is RunResults => r !== undefined)
    const stops = (options.stopping ?? grid.report.stopping ?? false)
      ? new Map(yield* Effect.forEach(reportedRuns(grid, results), (r) => Effect.map(stopAnalysis(join(dir, r.run.dir)), (points) => [r.run.dir, points] as const)))
      : undefined
    const summary = summarizeGrid(grid, results, { targets: options.targets, stops })

    const curvesSpec = curvesChart(summary)
    const curvesSvg = yield* renderSvg(curvesSpec, join(out, "curves.svg"))
    const stoppingSpec = summary.stopping && stoppingSummaryChart(summary.stopping.rows, `${grid.name}: where each stopping criterion stops`)
    const stoppingSvg = stoppingSpec ? yield* renderSvg(stoppingSpec, join(out, runFile.stoppingSvg)) : undefined
    const doc = reportDocument(summary, { curves: curvesSvg, stopping: stoppingSvg })

    const vlJson = (spec: TopLevelSpec) => JSON.stringify(spec, null, 2) + "\n"
    const files: Array<[string, string]> = [
      ["curves.svg", curvesSvg],
      ["curves.vl.json", vlJson(curvesSpec)],
      ["curves.csv", curvesCsv(summary)],
      ["summary.csv", summaryCsv(summary)],
      ["summary.md", toMarkdown(doc)],
      ["index.html", toHtml(doc)]
    ]
    if (summary.stopping && stoppingSpec && stoppingSvg !== undefined) {
      files.push(
        [runFile.stoppingSvg, stoppingSvg],
        [runFile.stoppingSvg.replace(/\.svg$/, ".vl.json"), vlJson(stoppingSpec)],
        [runFile.stoppingCsv, stoppingCsv(summary.stopping.summaries)]
      )
    }
    yield* Effect.forEach(files, ([name, contents]) => writeFileAtomic(join(out, name), contents), { discard: true })
    const { budget, strategies, curves, stopping, missing } = summary
    return { dir, grid, budget, strategies, curves, stopping: stopping?.summaries, missing, files: files.map(([name]) => join(out, name)) }
  })
