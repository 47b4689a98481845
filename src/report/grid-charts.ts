import type { TopLevelSpec } from "vega-lite"
import type { MeanPoint } from "./grid-stats.js"

/** A paper's point: the labels a strategy needed to reach an accuracy. */
export interface PaperPoint {
  readonly strategy: string
  readonly labels: number
  readonly accuracy: number
}

const percent = (a: number) => `${+(a * 100).toFixed(1)}%`

/**
 * Learning curves of a grid: test accuracy against labels, the seed mean as a line with points
 * and a band of ± one sample std, one colour per strategy; dashed rules at the target
 * accuracies and, when given, the paper's labels-to-reach as open diamonds.
 */
export const learningCurvesChart = (
  curves: ReadonlyArray<MeanPoint>,
  options: {
    readonly title: string
    /** A line, or several (one string each). */
    readonly subtitle?: string | ReadonlyArray<string>
    readonly strategies: ReadonlyArray<string>
    readonly targets?: ReadonlyArray<number>
    readonly paper?: ReadonlyArray<PaperPoint>
    readonly seeds: number
  }
): TopLevelSpec => {
  const values = curves.map((c) => ({ ...c, lower: c.mean - c.std, upper: c.mean + c.std }))
  const minY = Math.min(...values.map((v) => v.lower), ...(options.targets ?? []))
  const color = {
    field: "strategy",
    type: "nominal" as const,
    title: "strategy",
    scale: { domain: [...options.strategies] },
    legend: { labelLimit: 280, labelFontSize: 12, titleFontSize: 12, symbolStrokeWidth: 3 }
  }
  const x = { field: "labels", type: "quantitative" as const, title: "labelled examples", axis: { titleFontSize: 13, labelFontSize: 11 } }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: { text: options.title, ...(options.subtitle === undefined ? {} : { subtitle: options.subtitle as string | Array<string> }), anchor: "start" },
    width: 640,
    height: 380,
    // one legend, the lines' (the band's and the paper's markers have none)
    resolve: { legend: { color: "independent" } },
    layer: [
      {
        data: { values },
        mark: { type: "area", opacity: 0.18 },
        encoding: {
          x,
          y: {
            field: "lower",
            type: "quantitative",
            title: `test accuracy (mean ± std over ${options.seeds} seed${options.seeds === 1 ? "" : "s"})`,
            scale: { domain: [Math.max(0, Math.floor(minY * 20) / 20), 1] },
            axis: { titleFontSize: 13, labelFontSize: 11, format: ".0%" }
          },
          y2: { field: "upper" },
          color: { ...color, legend: null }
        }
      },
      {
        data: { values },
        mark: { type: "line", point: { size: 18 }, strokeWidth: 2 },
        encoding: {
          x,
          y: { field: "mean", type: "quantitative" },
          color,
          tooltip: [
            { field: "strategy" },
            { field: "labels" },
            { field: "mean", format: ".4f" },
            { field: "std", format: ".4f" },
            { field: "n", title: "seeds" }
          ]
        }
      },
      ...(options.targets?.length
        ? [
            {
              data: { values: options.targets.map((t) => ({ target: t, text: percent(t) })) },
              layer: [
                { mark: { type: "rule" as const, strokeDash: [5, 4], color: "#888", strokeWidth: 1 }, encoding: { y: { field: "target", type: "quantitative" as const } } },
                {
                  mark: { type: "text" as const, align: "right" as const, dy: -6, color: "#666", fontSize: 11 },
                  encoding: { y: { field: "target", type: "quantitative" as const }, x: { value: 636 }, text: { field: "text" } }
                }
              ]
            }
          ]
        : []),
      ...(options.paper?.length
        ? [
            {
              data: { values: options.paper.map((p) => ({ ...p })) },
              mark: { type: "point" as const, shape: "diamond", size: 110, filled: false, strokeWidth: 2 },
              encoding: {
                x: { field: "labels", type: "quantitative" as const },
                y: { field: "accuracy", type: "quantitative" as const },
                color: { ...color, legend: null },
                tooltip: [{ field: "strategy" }, { field: "labels", title: "paper's labels" }, { field: "accuracy" }]
              }
            }
          ]
        : [])
    ]
  }
}

/** A stopping point of one run, for the stopping chart. */
export interface StopRow {
  readonly criterion: string
  readonly labels: number
  readonly accuracy: number
}

/**
 * Where each stopping criterion stops, across runs: labels at stop and test accuracy at stop,
 * each a point at the mean with an error bar of ± one std over the runs.
 */
export const stoppingSummaryChart = (rows: ReadonlyArray<StopRow & { readonly strategy?: string }>, title: string): TopLevelSpec => {
  const order = [...new Set(rows.map((r) => r.criterion))]
  const several = new Set(rows.map((r) => r.strategy)).size > 1
  const byStrategy = several
    ? { color: { field: "strategy", type: "nominal" as const, title: "strategy" }, yOffset: { field: "strategy", type: "nominal" as const } }
    : {}
  const axisY = { field: "criterion", type: "nominal" as const, title: null, sort: order, axis: { labelLimit: 260, labelFontSize: 12 } }
  const panel = (field: "labels" | "accuracy", axisTitle: string, format?: string, showY = true) => {
    const y = showY ? axisY : { ...axisY, axis: null }
    return {
    width: 300,
    height: { step: several ? 30 : 22 },
    layer: [
      {
        mark: { type: "errorbar" as const, extent: "stdev" as const, ticks: true },
        encoding: { x: { field, type: "quantitative" as const, title: axisTitle, scale: { zero: false }, ...(format ? { axis: { format } } : {}) }, y, ...byStrategy }
      },
      {
        mark: { type: "point" as const, filled: true, size: 60, ...(several ? {} : { color: "#1f77b4" }) },
        encoding: { x: { field, aggregate: "mean" as const, type: "quantitative" as const }, y, ...byStrategy }
      }
    ]
    }
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: { text: title, subtitle: "mean (point) ± one sample std (bar) over the runs", anchor: "start" },
    data: { values: rows.map((r) => ({ ...r })) },
    hconcat: [panel("labels", "labels at stop"), panel("accuracy", "test accuracy at stop", ".1%", false)],
    resolve: { scale: { y: "shared" } }
  } as TopLevelSpec
}
