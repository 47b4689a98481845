import { criterionFamily, windowed } from "./criterion.js"
import { cohenKappa } from "./kappa.js"

/**
 * Stabilizing predictions (its paper, rule and direction: `doc`, below).
 * How: Cohen's κ between consecutive models' stop-set predictions; stop when the mean of the last
 * `window` κ values reaches `threshold` (≥, so that `stabilizing-predictions=1`, perfect
 * agreement, can fire: κ is at most 1, and with > it never could).
 * Round 0 has no predecessor, so it has no κ and simply does not count (no NaN enters the mean).
 * Defaults window 3, threshold 0.99 (the authors' code and small-text's KappaAverage).
 */
export const stabilizingPredictions = criterionFamily(
  "stabilizing-predictions",
  {
    citation:
      "Bloodgood & Vijay-Shanker (2009), A Method for Stopping Active Learning Based on Stabilizing Predictions and the Need for User-Adjustable Stopping, CoNLL",
    rule: "mean Cohen's κ between consecutive models' stop-set predictions over the last 3 rounds ≥ 0.99",
    direction: "stops when agreement is high"
  },
  { threshold: 0.99, window: 3 },
  ({ threshold, window }, name) =>
    windowed(
      name,
      (o, previous) => (previous === undefined ? undefined : cohenKappa(previous.stopSet.predictions, o.stopSet.predictions, o.numClasses)),
      (kappas) => {
        if (kappas.length < window) return undefined
        const mean = kappas.slice(-window).reduce((a, b) => a + b, 0) / window
        return mean >= threshold ? `mean κ of the last ${window} rounds ${mean.toFixed(4)} ≥ ${threshold}` : undefined
      }
    )
)
