import { Data, Either } from "effect"
import { maxLabels, maxRounds, maxSeconds, targetAccuracy } from "./budget.js"
import { changingConfidence } from "./changing-confidence.js"
import type { StoppingCriterion } from "./criterion.js"
import { deltaF } from "./delta-f.js"
import { performanceConvergence } from "./performance-convergence.js"
import { stabilizingPredictions } from "./stabilizing-predictions.js"
import { validationPlateau } from "./validation-plateau.js"
import { classificationChange, maxConfidence, minExpectedError, overallUncertainty, selectedAccuracy } from "./zhu.js"

export class StoppingSpecError extends Data.TaggedError("StoppingSpecError")<{ readonly message: string }> {}

interface Entry {
  /** What `name=value` sets, e.g. "threshold"; budgets require it. */
  readonly parameter: string
  readonly required: boolean
  readonly make: (value: number | undefined) => StoppingCriterion<any>
  readonly rule: string
  /** The largest value the parameter takes (default: none). */
  readonly max?: number
}

const opt = <K extends string>(key: K, v: number | undefined) => (v === undefined ? {} : ({ [key]: v } as Record<K, number>))

/** Every stopping criterion by its CLI name, with the parameter that `name=value` sets. */
export const stoppingCatalogue: Readonly<Record<string, Entry>> = {
  "stabilizing-predictions": {
    parameter: "threshold", required: false, make: (v) => stabilizingPredictions(opt("threshold", v)),
    rule: "mean Cohen's κ of consecutive stop-set predictions over 3 rounds > 0.99 (Bloodgood & Vijay-Shanker 2009)"
  },
  "changing-confidence": {
    parameter: "window", required: false, make: (v) => changingConfidence(opt("window", v)),
    rule: "mean stop-set confidence falls in each of 3 rounds (Vlachos 2008)"
  },
  "max-confidence": {
    parameter: "threshold", required: false, make: (v) => maxConfidence(opt("threshold", v)),
    rule: "min entropy of the queried batch < 0.001 (Zhu & Hovy 2007)"
  },
  "overall-uncertainty": {
    parameter: "threshold", required: false, make: (v) => overallUncertainty(opt("threshold", v)),
    rule: "mean normalised stop-set entropy < 0.05 (Zhu et al. 2008)"
  },
  "selected-accuracy": {
    parameter: "threshold", required: false, make: (v) => selectedAccuracy(opt("threshold", v)),
    rule: "accuracy on the queried batch's oracle labels ≥ 0.9 (Zhu et al. 2008)"
  },
  "min-expected-error": {
    parameter: "threshold", required: false, make: (v) => minExpectedError(opt("threshold", v)),
    rule: "mean (1 − max p) on the stop set ≤ 0.01 (Zhu et al. 2008)"
  },
  "classification-change": {
    parameter: "threshold", required: false, make: (v) => classificationChange(opt("threshold", v)),
    rule: "no stop-set prediction changes between rounds (Zhu et al. 2008)"
  },
  "delta-f": {
    parameter: "threshold", required: false, make: (v) => deltaF(opt("threshold", v)),
    rule: "predicted change of F < 0.05 for 3 rounds (Altschuler & Bloodgood 2019)"
  },
  "performance-convergence": {
    parameter: "threshold", required: false, make: (v) => performanceConvergence(opt("threshold", v)),
    rule: "gain of estimated accuracy over 10 rounds in (0, 5e-5) at a new maximum (Laws & Schütze 2008)"
  },
  "validation-plateau": {
    parameter: "patience", required: false, make: (v) => validationPlateau(opt("patience", v)),
    rule: "validation accuracy not improved by 0.001 for 3 rounds"
  },
  "max-rounds": { parameter: "rounds", required: true, make: (v) => maxRounds(v!), rule: "budget: stop after round n" },
  "max-labels": { parameter: "labels", required: true, make: (v) => maxLabels(v!), rule: "budget: stop at n labels" },
  "max-seconds": { parameter: "seconds", required: true, make: (v) => maxSeconds(v!), rule: "budget: stop after n seconds" },
  "target-accuracy": {
    parameter: "accuracy", required: true, max: 1, make: (v) => targetAccuracy(v!),
    rule: "reproduction budget: test accuracy ≥ a for 3 rounds in a row (reads the test set)"
  }
}

/** Names of every criterion. */
export const stoppingNames: ReadonlyArray<string> = Object.keys(stoppingCatalogue)

/** The criteria that need no budget value: the ones post-hoc analysis evaluates by default. */
export const methodNames: ReadonlyArray<string> = stoppingNames.filter((n) => !stoppingCatalogue[n].required)

/** Parses `name` or `name=value` (e.g. `stabilizing-predictions`, `max-labels=1000`). */
export const parseStopping = (text: string): Either.Either<StoppingCriterion<any>, StoppingSpecError> => {
  const [name, value] = text.split("=", 2).map((s) => s.trim())
  const entry = stoppingCatalogue[name]
  if (entry === undefined) {
    return Either.left(new StoppingSpecError({ message: `unknown stopping criterion '${name}': expected one of ${stoppingNames.join(", ")}` }))
  }
  if (value === undefined) {
    return entry.required
      ? Either.left(new StoppingSpecError({ message: `stopping criterion '${name}' needs a value, as in ${name}=100` }))
      : Either.right(entry.make(undefined))
  }
  const n = Number(value)
  const range = entry.max === undefined ? "a non-negative number" : `a number from 0 to ${entry.max}`
  return value !== "" && Number.isFinite(n) && n >= 0 && n <= (entry.max ?? Infinity)
    ? Either.right(entry.make(n))
    : Either.left(new StoppingSpecError({ message: `stopping criterion '${name}': ${entry.parameter} must be ${range}, got '${value}'` }))
}
