import { criterionFamily, windowed } from "./criterion.js"
import { mean } from "./stats.js"

/**
 * Changing confidence (its paper, rule and direction: `doc`, below).
 * How: track the mean stop-set confidence (max_c p_c); stop when it has fallen (mode "D": each of
 * the last `window` changes < 0) or not risen (mode "N": each ≤ 0) over the last `window` rounds.
 * Defaults window 3, mode "D".
 */
export const changingConfidence = criterionFamily(
  "changing-confidence",
  {
    citation: "Vlachos (2008), A stopping criterion for active learning, Computer Speech & Language 22(3)",
    rule: "mean stop-set confidence max_c p_c fell in each of the last 3 rounds (mode D; mode N: did not rise)",
    direction: "stops when confidence falls"
  },
  { window: 3, mode: "D" as "D" | "N" },
  ({ window, mode }, name) =>
    windowed(
      name,
      (o) => mean(o.stopSet.confidence),
      (history) => {
        if (history.length < window + 1) return undefined
        const last = history.slice(-(window + 1))
        const changes = last.slice(1).map((v, i) => v - last[i])
        const ok = mode === "D" ? changes.every((d) => d < 0) : changes.every((d) => d <= 0)
        return ok
          ? `mean stop-set confidence ${mode === "D" ? "fell" : "did not rise"} in each of the last ${window} rounds (${last.map((v) => v.toFixed(4)).join(" → ")})`
          : undefined
      }
    )
)
