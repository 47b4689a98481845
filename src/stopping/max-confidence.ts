import { Continue, criterionFamily, Stop } from "./criterion.js"

/**
 * Max confidence (its paper, rule and direction: `doc`, below).
 * How: stop when the least uncertain example of the batch just queried has entropy below
 * `threshold` (the model is confident even on what it found most informative).
 * Default 0.001.
 */
export const maxConfidence = criterionFamily(
  "max-confidence",
  {
    citation:
      "Zhu & Hovy (2007), Active Learning for Word Sense Disambiguation with Methods for Addressing the Class Imbalance Problem, EMNLP",
    rule: "the least entropy in the batch just queried < 0.001",
    direction: "stops when uncertainty is low"
  },
  { threshold: 0.001 },
  ({ threshold }, name) => ({
    name,
    initial: null,
    step: (s: null, o) => {
      if (o.queried === undefined || o.queried.entropy.length === 0) return [s, Continue]
      const min = Math.min(...o.queried.entropy)
      return [s, min < threshold ? Stop(name, `queried batch min entropy ${min.toExponential(3)} < ${threshold}`) : Continue]
    }
  })
)
