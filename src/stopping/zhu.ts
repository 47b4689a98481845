import { Continue, Stop, type StoppingCriterion, windowed } from "./criterion.js"
import { mean } from "./stats.js"

/**
 * Max confidence — Zhu & Hovy (2007), "Active Learning for Word Sense Disambiguation with
 * Methods for Addressing the Class Imbalance Problem", EMNLP; batch form of Zhu, Wang & Hovy
 * (2008). Rule: stop when the least uncertain example of the batch just queried has entropy
 * below `threshold` (the model is confident even on what it found most informative).
 * Default 0.001.
 */
export const maxConfidence = (options: { readonly threshold?: number } = {}): StoppingCriterion<null> => {
  const threshold = options.threshold ?? 0.001
  return {
    name: "max-confidence",
    initial: null,
    step: (s, o) => {
      if (o.queried === undefined || o.queried.entropy.length === 0) return [s, Continue]
      const min = Math.min(...o.queried.entropy)
      return [s, min < threshold ? Stop("max-confidence", `queried batch min entropy ${min.toExponential(3)} < ${threshold}`) : Continue]
    }
  }
}

/**
 * Overall uncertainty — Zhu, Wang & Hovy (2008), "Multi-criteria-based strategy to stop active
 * learning for data annotation", COLING. Rule: stop when the mean normalised entropy
 * (entropy / log C) over the unlabelled stop set falls below `threshold` (small-text's form).
 * Default 0.05.
 */
export const overallUncertainty = (options: { readonly threshold?: number } = {}) => {
  const threshold = options.threshold ?? 0.05
  return windowed(
    "overall-uncertainty",
    (o) => mean(o.stopSet.entropy) / Math.log(Math.max(2, o.numClasses)),
    (h) => (h[h.length - 1] < threshold ? `mean normalised stop-set entropy ${h[h.length - 1].toFixed(4)} < ${threshold}` : undefined)
  )
}

/**
 * Selected accuracy — Zhu, Wang & Hovy (2008), COLING. Rule: stop when the model that chose the
 * last batch predicted the oracle's labels of that batch with accuracy ≥ `threshold` (its
 * "hard" examples are no longer hard). Default 0.9.
 */
export const selectedAccuracy = (options: { readonly threshold?: number } = {}) => {
  const threshold = options.threshold ?? 0.9
  return windowed(
    "selected-accuracy",
    (o) => {
      const q = o.queried
      if (q === undefined || q.labels.length === 0) return undefined
      let correct = 0
      for (let i = 0; i < q.labels.length; i++) if (q.predicted[i] === q.labels[i]) correct++
      return correct / q.labels.length
    },
    (h) => (h[h.length - 1] >= threshold ? `accuracy on the queried batch ${h[h.length - 1].toFixed(4)} ≥ ${threshold}` : undefined)
  )
}

/**
 * Minimum expected error — Zhu, Wang & Hovy (2008), IJCNLP (I08-1048). Rule: stop when the
 * expected error mean(1 − max_c p_c) over the unlabelled stop set is at most `threshold`.
 * Default 0.01.
 */
export const minExpectedError = (options: { readonly threshold?: number } = {}) => {
  const threshold = options.threshold ?? 0.01
  return windowed(
    "min-expected-error",
    (o) => 1 - mean(o.stopSet.confidence),
    (h) => (h[h.length - 1] <= threshold ? `expected stop-set error ${h[h.length - 1].toFixed(4)} ≤ ${threshold}` : undefined)
  )
}

/**
 * Classification change — Zhu, Wang & Hovy (2008), COLING. Rule: stop when the fraction of
 * stop-set predictions that changed since the previous round is at most `threshold` (default 0:
 * no prediction changed).
 */
export const classificationChange = (options: { readonly threshold?: number } = {}) => {
  const threshold = options.threshold ?? 0
  return windowed(
    "classification-change",
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
}
