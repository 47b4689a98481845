import { Continue, criterionFamily, Stop } from "./criterion.js"

/**
 * Validation plateau (its paper, rule and direction: `doc`, below).
 * How: stop when validation accuracy has not improved on its best by at least `epsilon` for
 * `patience` consecutive rounds. Without a validation set it never fires.
 * Defaults patience 3, epsilon 0.001.
 */
export const validationPlateau = criterionFamily(
  "validation-plateau",
  {
    citation: "Prechelt (1998), Early Stopping — But When?, Neural Networks: Tricks of the Trade (early stopping applied to the AL loop)",
    rule: "validation accuracy has not beaten its best by 0.001 for 3 rounds (never fires without a validation set)",
    direction: "stops when validation accuracy stops rising"
  },
  { patience: 3, epsilon: 0.001 },
  ({ patience, epsilon }, name) => ({
    name,
    initial: { best: Number.NEGATIVE_INFINITY, stale: 0 },
    step: (s: { readonly best: number; readonly stale: number }, o) => {
      if (o.validation === undefined) return [s, Continue]
      const acc = o.validation.accuracy
      const next = acc >= s.best + epsilon ? { best: acc, stale: 0 } : { best: s.best, stale: s.stale + 1 }
      return [
        next,
        next.stale >= patience ? Stop(name, `validation accuracy has not beaten ${next.best.toFixed(4)} by ${epsilon} for ${patience} rounds`) : Continue
      ]
    }
  })
)
