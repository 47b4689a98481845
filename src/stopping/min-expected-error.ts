import { criterionFamily, windowed } from "./criterion.js"
import { mean } from "./stats.js"

/**
 * Minimum expected error (its paper, rule and direction: `doc`, below).
 * How: stop when the expected error mean(1 − max_c p_c) over the unlabelled stop set is at most
 * `threshold`.
 * Default 0.01.
 */
export const minExpectedError = criterionFamily(
  "min-expected-error",
  {
    citation:
      "Zhu, Wang & Hovy (2008), Learning a Stopping Criterion for Active Learning for Word Sense Disambiguation and Text Classification, IJCNLP",
    rule: "expected stop-set error mean(1 − max_c p_c) ≤ 0.01",
    direction: "stops when the expected error is low"
  },
  { threshold: 0.01 },
  ({ threshold }, name) =>
    windowed(
      name,
      (o) => 1 - mean(o.stopSet.confidence),
      (h) => (h[h.length - 1] <= threshold ? `expected stop-set error ${h[h.length - 1].toFixed(4)} ≤ ${threshold}` : undefined)
    )
)
