import { criterionFamily, windowed } from "./criterion.js"

/**
 * Predicted change of F (its paper, rule and direction: `doc`, below).
 * How: ΔF between consecutive models' stop-set predictions; stop when each of the last `window`
 * values is below `threshold` (the model's F has stopped moving).
 * Defined for binary tasks (class 1 positive); for C > 2 classes deal uses the mean one-vs-rest ΔF
 * (an extension, not in the paper). Defaults window 3, threshold 0.05 (small-text's DeltaFScore).
 */
export const deltaF = criterionFamily(
  "delta-f",
  {
    citation: "Altschuler & Bloodgood (2019), Stopping Active Learning based on Predicted Change of F Measure for Text Classification, ICSC",
    rule: "ΔF between consecutive models' stop-set predictions < 0.05 in each of the last 3 rounds (mean one-vs-rest for C > 2)",
    direction: "stops when ΔF is low"
  },
  { threshold: 0.05, window: 3 },
  ({ threshold, window }, name) =>
    windowed(
      name,
      (o, previous) => {
        if (previous === undefined) return undefined
        const a = previous.stopSet.predictions
        const b = o.stopSet.predictions
        if (o.numClasses <= 2) return deltaFBetween(a, b, 1)
        let sum = 0
        for (let k = 0; k < o.numClasses; k++) sum += deltaFBetween(a, b, k)
        return sum / o.numClasses
      },
      (h) =>
        h.length >= window && h.slice(-window).every((d) => d < threshold)
          ? `ΔF of the last ${window} rounds (${h.slice(-window).map((d) => d.toFixed(4)).join(", ")}) all < ${threshold}`
          : undefined
    )
)

/**
 * ΔF between two labelings (one-vs-rest for class `positive`): with a = items both call
 * positive and b, c the two kinds of disagreement on positives, ΔF = 1 − 2a / (2a + b + c);
 * 0 when neither calls anything positive.
 */
export const deltaFBetween = (previous: ArrayLike<number>, current: ArrayLike<number>, positive: number): number => {
  let a = 0
  let bc = 0
  for (let i = 0; i < current.length; i++) {
    const p = previous[i] === positive
    const q = current[i] === positive
    if (p && q) a++
    else if (p || q) bc++
  }
  return 2 * a + bc === 0 ? 0 : 1 - (2 * a) / (2 * a + bc)
}
