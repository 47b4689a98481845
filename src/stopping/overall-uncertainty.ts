import { criterionFamily, windowed } from "./criterion.js"
import { mean } from "./stats.js"

/**
 * Overall uncertainty (its paper, rule and direction: `doc`, below).
 * How: stop when the mean normalised entropy (entropy / log C) over the unlabelled stop set falls
 * below `threshold` (small-text's form).
 * Default 0.05.
 */
export const overallUncertainty = criterionFamily(
  "overall-uncertainty",
  {
    citation: "Zhu, Wang & Hovy (2008), Multi-criteria-based strategy to stop active learning for data annotation, COLING",
    rule: "mean normalised stop-set entropy H / log C < 0.05",
    direction: "stops when uncertainty is low"
  },
  { threshold: 0.05 },
  ({ threshold }, name) =>
    windowed(
      name,
      (o) => mean(o.stopSet.entropy) / Math.log(Math.max(2, o.numClasses)),
      (h) => (h[h.length - 1] < threshold ? `mean normalised stop-set entropy ${h[h.length - 1].toFixed(4)} < ${threshold}` : undefined)
    )
)
