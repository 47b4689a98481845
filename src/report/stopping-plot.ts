import type { TopLevelSpec } from "vega-lite"

/**
 * The learning curve (test accuracy against labels) with each stopping criterion's stop
 * marked: a rule at its label count and a point on the curve, coloured by criterion.
 */
export const stoppingChart = (
  curve: ReadonlyArray<{ readonly labels: number; readonly accuracy: number }>,
  stops: ReadonlyArray<{ readonly criterion: string; readonly labels: number; readonly accuracy: number }>,
  title: string
): TopLevelSpec => ({
  $schema: "https://vega.github.io/schema/vega-lite/v5.json",
  title,
  width: 560,
  height: 320,
  layer: [
    {
      data: { values: curve.map((c) => ({ ...c })) },
      mark: { type: "line", point: { size: 20 }, color: "#555" },
      encoding: {
        x: { field: "labels", type: "quantitative", title: "labels acquired" },
        y: { field: "accuracy", type: "quantitative", title: "test accuracy", scale: { zero: false } }
      }
    },
    {
      data: { values: stops.map((s) => ({ ...s })) },
      layer: [
        {
          mark: { type: "rule", strokeDash: [4, 3], opacity: 0.7 },
          encoding: {
            x: { field: "labels", type: "quantitative" },
            color: { field: "criterion", type: "nominal", title: "stopping criterion", legend: { labelLimit: 240 } }
          }
        },
        {
          mark: { type: "point", filled: true, size: 90 },
          encoding: {
            x: { field: "labels", type: "quantitative" },
            y: { field: "accuracy", type: "quantitative" },
            color: { field: "criterion", type: "nominal" },
            tooltip: [{ field: "criterion" }, { field: "labels" }, { field: "accuracy" }]
          }
        }
      ]
    }
  ]
})
