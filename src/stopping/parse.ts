import { Data, Either } from "effect"
import { maxLabels, maxRounds, maxSeconds } from "./budget.js"
import type { StoppingCriterion } from "./criterion.js"

export class StoppingSpecError extends Data.TaggedError("StoppingSpecError")<{ readonly message: string }> {}

const withNumber: Record<string, (n: number) => StoppingCriterion<any>> = {
  "max-rounds": maxRounds,
  "max-labels": maxLabels,
  "max-seconds": maxSeconds
}

/** Names of the criteria `parseStopping` knows. */
export const stoppingNames: ReadonlyArray<string> = Object.keys(withNumber)

/** Parses `name=value` (e.g. `max-labels=1000`) into a criterion. */
export const parseStopping = (text: string): Either.Either<StoppingCriterion<any>, StoppingSpecError> => {
  const [name, value] = text.split("=", 2).map((s) => s.trim())
  const make = withNumber[name]
  if (make === undefined) {
    return Either.left(new StoppingSpecError({ message: `unknown stopping criterion '${name}': expected one of ${stoppingNames.join(", ")}` }))
  }
  const n = Number(value)
  if (value === undefined || value === "" || !Number.isFinite(n) || n < 0) {
    return Either.left(new StoppingSpecError({ message: `stopping criterion '${name}' needs a non-negative number, as in ${name}=100` }))
  }
  return Either.right(make(n))
}
