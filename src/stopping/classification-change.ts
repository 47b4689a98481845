import { criterionFamily, windowed } from "./criterion.js"

/**
 * Classification change (its paper, rule and direction: `doc`, below).
 * How: stop when the fraction of stop-set predictions that changed since the previous round is at
 * most `threshold`.
 * Default 0: no prediction changed.
 */
export const classificationChange = criterionFamily(
  "classification-change",
  {
    citation: "Zhu, Wang & Hovy (2008), Multi-criteria-based strategy to stop active learning for data annotation, COLING",
    rule: "no stop-set prediction changed since the previous round (fraction changed ≤ 0)",
    direction: "stops when predictions stop changing"
  },
  { threshold: 0 },
  ({ threshold }, name) =>
    windowed(
      name,
      (o, previous) => {
        if (previous === undefined) return undefined
        const a = previous.stopSet.predictions
        const b = o.stopSet.predictions
        let changed = 0
        for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) changed++
        return b.length === 0 ? 0 : changed / b.length
      },
      (h) => (h[h.length - 1] <= threshold ? `${(100 * h[h.length - 1]).toFixed(2)}% of stop-set predictions changed (≤ ${threshold * 100}%)` : undefined)
    )
)
