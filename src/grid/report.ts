import { readFile } from "node:fs/promises"
import { join } from "node:path"
import * as aq from "arquero"
import { Effect } from "effect"
import type { DataError } from "../data/errors.js"
import { writeFileAtomic } from "../report/atomic-write.js"
import type { ReportError } from "../report/errors.js"
import { learningCurvesChart, type PaperPoint, stoppingSummaryChart, type StopRow } from "../report/grid-charts.js"
import {
  aubc, commonBudget, labelsToReach, meanCurves, type MeanPoint, plusMinus, type RunCurve, type Spread, spread
} from "../report/grid-stats.js"
import { renderSvg } from "../report/vega.js"
import type { StopPoint } from "../stopping/analysis.js"
import { type GridRun, type ResolvedGrid, readResolvedGrid } from "./spec.js"
import { stopAnalysis } from "../run/stop-analysis.js"

/** Accuracies at which the report reads off labels when the grid names none. */
export const defaultTargets: ReadonlyArray<number> = [0.8, 0.9, 0.95]

export interface ReportOptions {
  /** Add the stopping summary (default: the grid spec's `report.stopping`). */
  readonly stopping?: boolean
  /** Accuracies to read labels off at (default: the grid spec's, else 0.8, 0.9, 0.95). */
  readonly targets?: ReadonlyArray<number>
}

/** One strategy's row of the summary. */
export interface StrategySummary {
  readonly strategy: string
  readonly seeds: number
  readonly unfinished: number
  readonly finalAccuracy: Spread
  readonly aubc: Spread
  /** Labels of the last point of the seed-mean curve where every seed has a result. */
  readonly meanCurveEnd: number | undefined
  /**
   * Per target: labels at which the seed-mean curve first reaches it (undefined: never), and
   * at which each seed's own curve first does (undefined: that seed never does).
   */
  readonly reach: ReadonlyArray<{
    readonly target: number
    readonly labels: number | undefined
    readonly seedLabels: ReadonlyArray<number | undefined>
    readonly paper: number | undefined
  }>
  readonly paperName: string | undefined
  /** Rounds per run and the seconds its stages took (training, scoring, selection), over seeds. */
  readonly time: RunTime & { readonly rounds: Spread; readonly perRun: Spread }
}

/** Seconds spent in each timed stage, summed over a run's rounds (or over runs). */
export interface RunTime {
  readonly train: number
  readonly score: number
  readonly select: number
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

interface RunResults {
  readonly run: GridRun
  readonly curve: RunCurve
  readonly finished: boolean
  readonly time: RunTime
}

interface RoundJson {
  readonly labeled: number
  readonly accuracy: number
  readonly trainSeconds?: number
  readonly scoreSeconds?: number
  readonly selectSeconds?: number
}

const sumOf = (rounds: ReadonlyArray<RoundJson>, key: "trainSeconds" | "scoreSeconds" | "selectSeconds") =>
  rounds.reduce((a, r) => a + (r[key] ?? 0), 0)

const readRun = (dir: string, run: GridRun): Effect.Effect<RunResults | undefined> =>
  Effect.promise(() =>
    readFile(join(dir, run.dir, "results.json"), "utf8").then(
      (text) => {
        const json = JSON.parse(text) as { readonly stop: unknown; readonly rounds: ReadonlyArray<RoundJson> }
        return {
          run,
          curve: { strategy: run.strategy, seed: run.seed, points: json.rounds.map((r) => ({ labels: r.labeled, accuracy: r.accuracy })) },
          finished: json.stop !== null && json.stop !== undefined,
          time: { train: sumOf(json.rounds, "trainSeconds"), score: sumOf(json.rounds, "scoreSeconds"), select: sumOf(json.rounds, "selectSeconds") }
        }
      },
      () => undefined
    )
  )

const targetKey = (t: number) => String(t)
const pct = (t: number) => `${+(t * 100).toFixed(2)}%`

/** The spread of the seeds' first-reach label counts over the seeds that reach the target. */
const perSeedSpread = (seedLabels: ReadonlyArray<number | undefined>) => {
  const reached = seedLabels.filter((l): l is number => l !== undefined)
  return { spread: spread(reached), reached: reached.length }
}

/** Runs `stop-analysis` on every run and sums up each criterion per strategy. */
const stoppingSummaries = (
  dir: string,
  results: ReadonlyArray<RunResults>
): Effect.Effect<{ readonly summaries: ReadonlyArray<StoppingSummary>; readonly rows: ReadonlyArray<StopRow & { readonly strategy: string }> }, DataError | ReportError> =>
  Effect.gen(function* () {
    const perRun = yield* Effect.forEach(results, (r) =>
      Effect.map(stopAnalysis(join(dir, r.run.dir)), (points) => ({ strategy: r.run.strategy, points }))
    )
    const rows = perRun.flatMap(({ strategy, points }) =>
      points.filter((p) => p.criterion !== "(cheapest round)").map((p) => ({ strategy, criterion: p.criterion, labels: p.labels, accuracy: p.accuracy, point: p }))
    )
    const keys = [...new Map(rows.map((r) => [`${r.strategy}\u0000${r.criterion}`, r] as const)).values()]
    const summaries = keys.map(({ strategy, criterion }) => {
      const points: ReadonlyArray<StopPoint> = rows.filter((r) => r.strategy === strategy && r.criterion === criterion).map((r) => r.point)
      return {
        strategy,
        criterion,
        runs: points.length,
        fired: points.filter((p) => p.fired).length,
        labels: spread(points.map((p) => p.labels)),
        accuracy: spread(points.map((p) => p.accuracy)),
        accuracyChange: spread(points.map((p) => p.accuracyChange))
      }
    })
    return { summaries, rows: rows.map(({ point: _p, ...r }) => r) }
  })

/** A Markdown table from a header and rows of cells. */
export const markdownTable = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>, align?: ReadonlyArray<"l" | "r">): string => {
  const sep = header.map((_, i) => ((align?.[i] ?? "l") === "r" ? "---:" : "---"))
  const line = (cells: ReadonlyArray<string>) => `| ${cells.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`
  return [line(header), line(sep), ...rows.map(line)].join("\n")
}

const htmlEscape = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;")

const htmlTable = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  `<table><thead><tr>${header.map((h) => `<th>${htmlEscape(h)}</th>`).join("")}</tr></thead><tbody>` +
  rows.map((r) => `<tr>${r.map((c) => `<td>${htmlEscape(c)}</td>`).join("")}</tr>`).join("") +
  `</tbody></table>`

const range = (s: Spread, digits: number) => (Number.isNaN(s.mean) ? "—" : `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)} [${s.min.toFixed(digits)}–${s.max.toFixed(digits)}]`)

/**
 * `deal report DIR`: reads a grid written by `deal experiment` (its `grid.json` and every run's
 * `results.json`) and writes `DIR/report/`: `curves.svg` (+ its vega-lite spec `curves.vl.json`
 * and the numbers in `curves.csv`), `summary.csv` and `summary.md` (final accuracy and area under
 * the budget curve per strategy, mean ± std over seeds; labels to first reach each target accuracy
 * on the seed-mean curve, beside the paper's when the grid carries them; rounds and the time the
 * runs' stages took), with the stopping
 * summary `stopping.csv`/`stopping.svg` when asked, and one self-contained `index.html`.
 */
export const gridReport = (dir: string, options: ReportOptions = {}): Effect.Effect<GridReport, DataError | ReportError> =>
  Effect.gen(function* () {
    const grid = yield* readResolvedGrid(dir)
    const out = join(dir, "report")
    const read = yield* Effect.forEach(grid.runs, (run) => readRun(dir, run))
    const results = read.filter((r): r is RunResults => r !== undefined && r.curve.points.length > 0)
    const missing = grid.runs.filter((_, i) => read[i] === undefined || read[i]!.curve.points.length === 0).map((r) => r.dir)
    const targets = options.targets ?? grid.report.targets ?? defaultTargets
    const paper = grid.report.paper
    const nInit = Number(grid.base.nInitLabeled ?? 0)
    const toPaperUnit = (labels: number | undefined) => (labels === undefined ? undefined : paper?.unit === "acquired" ? labels - nInit : labels)
    const budget = commonBudget(results.map((r) => r.curve))
    const curves = meanCurves(results.map((r) => r.curve))
    const strategies = grid.strategies.filter((s) => results.some((r) => r.run.strategy === s))

    const summaries: ReadonlyArray<StrategySummary> = strategies.map((strategy) => {
      const runs = results.filter((r) => r.run.strategy === strategy)
      const seeds = runs.length
      // Read off the mean curve only where every seed has a result.
      const curve = curves.filter((c) => c.strategy === strategy && c.n === seeds)
      const atEnd = runs.map((r) => r.curve.points.find((p) => p.labels === budget?.to)?.accuracy ?? Number.NaN)
      const reference = paper?.reach[strategy]
      return {
        strategy,
        seeds,
        unfinished: runs.filter((r) => !r.finished).length,
        finalAccuracy: spread(atEnd),
        aubc: spread(budget === undefined ? [] : runs.map((r) => aubc(r.curve.points, budget.from, budget.to))),
        meanCurveEnd: curve.at(-1)?.labels,
        reach: targets.map((target) => ({
          target,
          labels: labelsToReach(curve, target),
          seedLabels: runs.map((r) => labelsToReach(r.curve.points.map((p) => ({ labels: p.labels, mean: p.accuracy })), target)),
          paper: reference?.labels[targetKey(target)]
        })),
        paperName: reference?.name,
        time: {
          train: runs.reduce((a, r) => a + r.time.train, 0),
          score: runs.reduce((a, r) => a + r.time.score, 0),
          select: runs.reduce((a, r) => a + r.time.select, 0),
          rounds: spread(runs.map((r) => r.curve.points.length)),
          perRun: spread(runs.map((r) => r.time.train + r.time.score + r.time.select))
        }
      }
    })

    // --- tables -------------------------------------------------------------------------
    const summaryTable = aq.from(
      summaries.map((s) => ({
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
            const perSeed = perSeedSpread(r.seedLabels)
            return [
              [`labels_to_${k}`, r.labels ?? null],
              [`acquired_to_${k}`, r.labels === undefined ? null : r.labels - nInit],
              [`seeds_reaching_${k}`, perSeed.reached],
              [`seed_acquired_to_${k}_mean`, perSeed.reached ? perSeed.spread.mean - nInit : null],
              [`seed_acquired_to_${k}_std`, perSeed.reached ? perSeed.spread.std : null],
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
    const curvesTable = aq.from(curves.map((c) => ({ strategy: c.strategy, labels: c.labels, acquired: c.labels - nInit, mean: c.mean, std: c.std, seeds: c.n })))

    const notReached = (end: number | undefined) => (end === undefined ? "not reached" : `not reached (> ${toPaperUnit(end)})`)
    /** Each seed's first reach in the table's unit: `mean ± std (a, b, c)`, `—` for a seed that never reaches. */
    const perSeedCell = (seedLabels: ReadonlyArray<number | undefined>) => {
      const { spread: s, reached } = perSeedSpread(seedLabels)
      const each = seedLabels.map((l) => (l === undefined ? "—" : String(toPaperUnit(l)))).join(", ")
      if (reached === 0) return `not reached (${each})`
      return `${reached < seedLabels.length ? `${reached}/${seedLabels.length} seeds: ` : ""}${toPaperUnit(s.mean)!.toFixed(0)} ± ${s.std.toFixed(0)} (${each})`
    }
    const accuracyHeader = budget === undefined ? "final accuracy" : `accuracy at ${budget.to} labels`
    const aubcHeader = budget === undefined ? "AUBC" : `AUBC ${budget.from}–${budget.to} labels`
    const mainHeader = ["strategy", "seeds", accuracyHeader, aubcHeader]
    const mainRows = summaries.map((s) => [
      s.strategy,
      `${s.seeds}${s.unfinished ? ` (${s.unfinished} unfinished)` : ""}`,
      plusMinus(s.finalAccuracy, 4),
      plusMinus(s.aubc, 4)
    ])
    const unit = paper?.unit ?? "labels"
    const reachHeader = [
      "strategy",
      ...(paper ? ["in the paper"] : []),
      ...targets.flatMap((t) =>
        paper ? [`${pct(t)}: ours, mean curve`, `${pct(t)}: ours, per seed`, `${pct(t)}: paper`] : [`${pct(t)}: labels (acquired), mean curve`, `${pct(t)}: labels, per seed`]
      )
    ]
    const reachRows = summaries.map((s) => [
      s.strategy,
      ...(paper ? [s.paperName ?? "—"] : []),
      ...s.reach.flatMap((r) =>
        paper
          ? [r.labels === undefined ? notReached(s.meanCurveEnd) : String(toPaperUnit(r.labels)), perSeedCell(r.seedLabels), r.paper === undefined ? "—" : String(r.paper)]
          : [r.labels === undefined ? notReached(s.meanCurveEnd) : `${r.labels} (${r.labels - nInit})`, perSeedCell(r.seedLabels)]
      )
    ])

    const hours = (seconds: number) => (seconds / 3600).toFixed(2)
    const timeHeader = ["strategy", "rounds per run", "per run (min)", "all seeds: training (h)", "scoring (h)", "selection (h)", "in all (h)"]
    const timeRows = summaries.map((s) => [
      s.strategy,
      plusMinus(s.time.rounds, 1),
      plusMinus({ mean: s.time.perRun.mean / 60, std: s.time.perRun.std / 60 }, 1),
      hours(s.time.train),
      hours(s.time.score),
      hours(s.time.select),
      hours(s.time.train + s.time.score + s.time.select)
    ])
    const totalSeconds = summaries.reduce((a, s) => a + s.time.train + s.time.score + s.time.select, 0)
    const timeLine = `${hours(totalSeconds)} h of timed stages over ${results.length} runs, the seconds each run measured around its stages (sums over its rounds, resumed rounds included); evaluating the test, validation and stop sets is not timed, and runs that shared cores each count their own wall time.`

    // --- stopping -------------------------------------------------------------------------
    const withStopping = options.stopping ?? grid.report.stopping ?? false
    const stopping = withStopping ? yield* stoppingSummaries(dir, results) : undefined
    const multiStrategy = strategies.length > 1
    const stopHeader = [
      ...(multiStrategy ? ["strategy"] : []),
      "criterion",
      "fired",
      "labels at stop: mean ± std [min–max]",
      "accuracy at stop: mean ± std [min–max]",
      "accuracy − final: mean ± std"
    ]
    const stopRows = (stopping?.summaries ?? []).map((s) => [
      ...(multiStrategy ? [s.strategy] : []),
      s.criterion,
      `${s.fired}/${s.runs}`,
      range(s.labels, 1),
      range(s.accuracy, 4),
      plusMinus(s.accuracyChange, 4)
    ])

    // --- charts ---------------------------------------------------------------------------
    const seedsCount = Math.max(0, ...summaries.map((s) => s.seeds))
    const paperPoints: ReadonlyArray<PaperPoint> = paper
      ? summaries.flatMap((s) =>
          s.reach.flatMap((r) =>
            r.paper === undefined ? [] : [{ strategy: s.strategy, labels: paper.unit === "acquired" ? r.paper + nInit : r.paper, accuracy: r.target }]
          )
        )
      : []
    // The paper's points beyond the curves' budget would only squash the curves.
    const maxLabels = Math.max(0, ...curves.map((c) => c.labels))
    const shownPaper = paperPoints.filter((p) => p.labels <= maxLabels)
    const title = `${grid.name}${grid.profile === null ? "" : ` (profile ${grid.profile})`}: learning curves`
    const curvesSpec = learningCurvesChart(curves, {
      title,
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
          : `${results.length} runs`,
      strategies,
      targets,
      paper: shownPaper,
      seeds: seedsCount
    })
    const curvesSvg = yield* renderSvg(curvesSpec, join(out, "curves.svg"))
    const stoppingSpec = stopping ? stoppingSummaryChart(stopping.rows, `${grid.name}: where each stopping criterion stops`) : undefined
    const stoppingSvg = stoppingSpec ? yield* renderSvg(stoppingSpec, join(out, "stopping.svg")) : undefined

    // --- text ------------------------------------------------------------------------------
    const notes = [
      `Each curve is the mean over seeds of test accuracy against labelled examples; the band is ± one sample standard deviation (n − 1) across seeds. Where runs end at different rounds, a curve's later points average the seeds still running (curves.csv gives the count at each point).`,
      budget === undefined
        ? ""
        : `AUBC (area under the budget curve) is the trapezoidal area under a run's curve from ${budget.from} to ${budget.to} labels divided by that width (${budget.to - budget.from} labels), i.e. the curve's mean accuracy over the budget (1 = perfect from the first label); mean ± std over seeds. Accuracy at ${budget.to} labels likewise.`,
      `Labels to reach an accuracy are read off the seed-mean curve: the first label count whose mean test accuracy is ≥ the target, without interpolation (as Gal et al. 2017 read their averaged curves), over the rounds every seed has run; acquired = labels − ${nInit} initial labels. "Per seed" reads each seed's own curve the same way: mean ± std over the seeds that reach the target, then each seed's value (— for one that does not, within its run).`,
      paper ? `Paper: ${paper.source}, in ${paper.unit === "acquired" ? "acquired labels (beyond the initial set)" : "labels"}.${paper.note ? ` ${paper.note}` : ""}` : "",
      withStopping
        ? `Stopping: \`deal stop-analysis\` on every run (the same criteria folded over the recorded observations); a criterion that did not fire within a run counts as stopping at the run's last round; "(final round)" and "(best round)" are references (the best round is an oracle's choice).`
        : "",
      missing.length ? `Missing or empty runs (not in the report): ${missing.join(", ")}.` : ""
    ].filter((n) => n !== "")
    const heading = `${grid.name}${grid.profile === null ? "" : ` (profile ${grid.profile})`}`
    const runsLine = `${results.length} runs: ${strategies.length} strateg${strategies.length === 1 ? "y" : "ies"} × seeds ${grid.seeds.join(", ")}${budget ? `; ${budget.from} → ${budget.to} labels` : ""}.`
    const markdown = [
      `# ${heading}: deal report`,
      "",
      grid.description,
      "",
      runsLine,
      "",
      "![learning curves](curves.svg)",
      "",
      "## Accuracy and area under the budget curve (mean ± std over seeds)",
      "",
      markdownTable(mainHeader, mainRows, ["l", "r", "r", "r"]),
      "",
      `## ${paper ? `${paper.unit === "acquired" ? "Acquired labels" : "Labels"} to first reach a test accuracy, ours beside the paper's` : "Labels to first reach a test accuracy"}`,
      "",
      markdownTable(reachHeader, reachRows, ["l", ...reachHeader.slice(1).map(() => "r" as const)]),
      "",
      "## Time: training, scoring and selection",
      "",
      markdownTable(timeHeader, timeRows, ["l", ...timeHeader.slice(1).map(() => "r" as const)]),
      "",
      timeLine,
      ...(stopping
        ? ["", "## Stopping criteria", "", "![stopping](stopping.svg)", "", markdownTable(stopHeader, stopRows, ["l", ...stopHeader.slice(1).map(() => "r" as const)])]
        : []),
      "",
      "## Notes",
      "",
      ...notes.map((n) => `- ${n}`),
      ""
    ].join("\n")

    const html = [
      "<!doctype html>",
      `<html lang="en"><head><meta charset="utf-8"><title>${htmlEscape(heading)}: deal report</title>`,
      "<style>body{font:14px/1.45 system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}" +
        "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}" +
        "th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}figure{margin:1em 0}svg{max-width:100%;height:auto}</style></head><body>",
      `<h1>${htmlEscape(heading)}</h1>`,
      `<p>${htmlEscape(grid.description)}</p>`,
      `<p>${htmlEscape(runsLine)}</p>`,
      `<figure>${curvesSvg}</figure>`,
      "<h2>Accuracy and area under the budget curve (mean ± std over seeds)</h2>",
      htmlTable(mainHeader, mainRows),
      `<h2>${paper ? "Labels to first reach a test accuracy, ours beside the paper's" : "Labels to first reach a test accuracy"}</h2>`,
      htmlTable(reachHeader, reachRows),
      "<h2>Time: training, scoring and selection</h2>",
      htmlTable(timeHeader, timeRows),
      `<p>${htmlEscape(timeLine)}</p>`,
      ...(stopping && stoppingSvg ? ["<h2>Stopping criteria</h2>", `<figure>${stoppingSvg}</figure>`, htmlTable(stopHeader, stopRows)] : []),
      "<h2>Notes</h2>",
      `<ul>${notes.map((n) => `<li>${htmlEscape(n).replace(/`([^`]+)`/g, "<code>$1</code>")}</li>`).join("")}</ul>`,
      "</body></html>",
      ""
    ].join("\n")

    const files: Array<[string, string]> = [
      ["curves.svg", curvesSvg],
      ["curves.vl.json", JSON.stringify(curvesSpec, null, 2) + "\n"],
      ["curves.csv", curvesTable.toCSV()],
      ["summary.csv", summaryTable.toCSV()],
      ["summary.md", markdown],
      ["index.html", html]
    ]
    if (stopping && stoppingSvg && stoppingSpec) {
      const stoppingTable = aq.from(
        stopping.summaries.map((s) => ({
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
      files.push(["stopping.svg", stoppingSvg], ["stopping.vl.json", JSON.stringify(stoppingSpec, null, 2) + "\n"], ["stopping.csv", stoppingTable.toCSV()])
    }
    yield* Effect.forEach(files, ([name, contents]) => writeFileAtomic(join(out, name), contents), { discard: true })
    return {
      dir,
      grid,
      budget,
      strategies: summaries,
      curves,
      stopping: stopping?.summaries,
      missing,
      files: files.map(([name]) => join(out, name))
    }
  })
