import { Continue, Stop, type StoppingCriterion } from "./criterion.js"

/**
 * Validation plateau (early stopping applied to the AL loop; Prechelt 1998, "Early Stopping —
 * But When?"). Rule: stop when validation accuracy has not improved on its best by at least
 * `epsilon` for `patience` consecutive rounds (higher is better). Without a validation set it
 * never fires. Defaults patience 3, epsilon 0.001.
 */
export const validationPlateau = (
  options: { readonly patience?: number; readonly epsilon?: number } = {}
): StoppingCriterion<{ readonly best: number; readonly stale: number }> => {
  const patience = options.patience ?? 3
  const epsilon = options.epsilon ?? 0.001
  return {
    name: "validation-plateau",
    initial: { best: Number.NEGATIVE_INFINITY, stale: 0 },
    step: (s, o) => {
      if (o.validation === undefined) return [s, Continue]
      const acc = o.validation.accuracy
      const next = acc >= s.best + epsilon ? { best: acc, stale: 0 } : { best: s.best, stale: s.stale + 1 }
      return [
        next,
        next.stale >= patience
          ? Stop("validation-plateau", `validation accuracy has not beaten ${next.best.toFixed(4)} by ${epsilon} for ${patience} rounds`)
          : Continue
      ]
    }
  }
}
