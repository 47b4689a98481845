import * as Data from "effect/Data"
import * as Either from "effect/Either"
import { parseDecimal } from "../runtime/decimal.js"
import { maxLabels, maxRounds, maxSeconds, targetAccuracy } from "./budget.js"
import { changingConfidence } from "./changing-confidence.js"
import { classificationChange } from "./classification-change.js"
import type { CriterionFamily, StoppingCriterion, StoppingDoc, StoppingParameters } from "./criterion.js"
import { deltaF } from "./delta-f.js"
import { maxConfidence } from "./max-confidence.js"
import { minExpectedError } from "./min-expected-error.js"
import { overallUncertainty } from "./overall-uncertainty.js"
import { performanceConvergence } from "./performance-convergence.js"
import { selectedAccuracy } from "./selected-accuracy.js"
import { stabilizingPredictions } from "./stabilizing-predictions.js"
import { validationPlateau } from "./validation-plateau.js"

export class StoppingSpecError extends Data.TaggedError("StoppingSpecError")<{ readonly message: string }> {}

interface Entry {
  /** What `name=value` sets, e.g. "threshold"; budgets require it. */
  readonly parameter: string
  readonly required: boolean
  /** The parameter's default (criteria whose parameter is optional). */
  readonly default?: number | string
  readonly make: (value: number | undefined) => StoppingCriterion<any>
  /** The criterion's own doc: citation, rule, direction. */
  readonly doc: StoppingDoc
  /** `doc.rule`. */
  readonly rule: string
  /** The largest value the parameter takes (default: none). */
  readonly max?: number
}

/** A stopping method: `name` alone takes the defaults, `name=value` sets its first parameter. */
const method = <P extends StoppingParameters>(family: CriterionFamily<P, any>): readonly [string, Entry] => {
  const parameter = Object.keys(family.defaults)[0]
  return [
    family.id,
    {
      parameter,
      required: false,
      default: family.defaults[parameter],
      make: (v) => family(v === undefined ? {} : ({ [parameter]: v } as Partial<P>)),
      doc: family.doc,
      rule: family.doc.rule
    }
  ]
}

/** A budget: `name=value` is required. */
const budget = (
  family: ((value: number) => StoppingCriterion<any>) & { readonly id: string; readonly doc: StoppingDoc },
  parameter: string,
  max?: number
): readonly [string, Entry] => [
  family.id,
  { parameter, required: true, make: (v) => family(v!), doc: family.doc, rule: family.doc.rule, max }
]

/** Every stopping criterion by its CLI name, with the parameter that `name=value` sets. */
export const stoppingCatalogue: Readonly<Record<string, Entry>> = Object.fromEntries([
  method(stabilizingPredictions),
  method(changingConfidence),
  method(maxConfidence),
  method(overallUncertainty),
  method(selectedAccuracy),
  method(minExpectedError),
  method(classificationChange),
  method(deltaF),
  method(performanceConvergence),
  method(validationPlateau),
  budget(maxRounds, "rounds"),
  budget(maxLabels, "labels"),
  budget(maxSeconds, "seconds"),
  budget(targetAccuracy, "accuracy", 1)
])

/** Names of every criterion. */
export const stoppingNames: ReadonlyArray<string> = Object.keys(stoppingCatalogue)

/** The criteria that need no budget value: the ones post-hoc analysis evaluates by default. */
export const methodNames: ReadonlyArray<string> = stoppingNames.filter((n) => !stoppingCatalogue[n].required)

/**
 * Parses `name` or `name=value` (e.g. `stabilizing-predictions`, `max-labels=1000`).
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import { Either } from "effect"
 * import { Stopping } from "deal-active-learning"
 *
 * // A criterion by its command-line name, with its main parameter as name=value.
 * const parsed = Stopping.parseStopping("stabilizing-predictions=0.98")
 * assert.ok(Either.isRight(parsed) && parsed.right.name === "stabilizing-predictions=0.98")
 * assert.ok(Either.isLeft(Stopping.parseStopping("stabilising-predictions")))
 * ```
 */
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
  const n = parseDecimal(value)
  const range = entry.max === undefined ? "a non-negative decimal number" : `a decimal number from 0 to ${entry.max}`
  return n !== undefined && Number.isFinite(n) && n <= (entry.max ?? Infinity)
    ? Either.right(entry.make(n))
    : Either.left(new StoppingSpecError({ message: `stopping criterion '${name}': ${entry.parameter} must be ${range}, got '${value}'` }))
}
