import { criterionFamily, windowed } from "./criterion.js"
import { mean } from "./stats.js"

/**
 * Performance convergence (its paper, rule and direction: `doc`, below).
 * How: estimate performance from the model's own probabilities on the unlabelled stop set (deal
 * uses expected accuracy, mean max_c p_c); stop when the mean gain over the last `window` rounds g
 * satisfies 0 < g < `threshold` and the estimate is at a new maximum.
 * Defaults threshold 5e-5 (the paper's), window 10 (Pullar-Strecker et al. for batches of 10).
 */
export const performanceConvergence = criterionFamily(
  "performance-convergence",
  {
    citation: "Laws & Schütze (2008), Stopping Criteria for Active Learning of Named Entity Recognition, COLING",
    rule: "mean gain of estimated accuracy (mean stop-set max_c p_c) over the last 10 rounds in (0, 5e-5), at a new maximum",
    direction: "stops when the estimate has converged at its peak"
  },
  { threshold: 5e-5, window: 10 },
  ({ threshold, window }, name) =>
    windowed(
      name,
      (o) => mean(o.stopSet.confidence),
      (h) => {
        if (h.length < window + 1) return undefined
        const last = h[h.length - 1]
        const gain = (last - h[h.length - 1 - window]) / window
        const atMax = h.every((v) => v <= last)
        return gain > 0 && gain < threshold && atMax
          ? `mean gain of estimated accuracy over ${window} rounds ${gain.toExponential(2)} in (0, ${threshold}) at a new maximum ${last.toFixed(4)}`
          : undefined
      }
    )
)
