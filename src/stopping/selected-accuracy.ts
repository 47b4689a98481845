import { criterionFamily, windowed } from "./criterion.js"

/**
 * Selected accuracy (its paper, rule and direction: `doc`, below).
 * How: stop when the model that chose the last batch predicted the oracle's labels of that batch
 * with accuracy ≥ `threshold` (its "hard" examples are no longer hard).
 * Default 0.9.
 */
export const selectedAccuracy = criterionFamily(
  "selected-accuracy",
  {
    citation: "Zhu, Wang & Hovy (2008), Multi-criteria-based strategy to stop active learning for data annotation, COLING",
    rule: "accuracy of the last model on the oracle's labels of the batch it chose ≥ 0.9",
    direction: "stops when accuracy is high"
  },
  { threshold: 0.9 },
  ({ threshold }, name) =>
    windowed(
      name,
      (o) => {
        const q = o.queried
        if (q === undefined || q.labels.length === 0) return undefined
        let correct = 0
        for (let i = 0; i < q.labels.length; i++) if (q.predicted[i] === q.labels[i]) correct++
        return correct / q.labels.length
      },
      (h) => (h[h.length - 1] >= threshold ? `accuracy on the queried batch ${h[h.length - 1].toFixed(4)} ≥ ${threshold}` : undefined)
    )
)
