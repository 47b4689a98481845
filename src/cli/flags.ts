import { HelpDoc, Options, ValidationError } from "@effect/cli"
import { Effect } from "effect"
import { parseDecimal, parseDecimalInteger } from "../runtime/decimal.js"

/**
 * Flags in DalMax's snake_case (`--n_round`), with the kebab-case spelling (`--n-round`) as an
 * alias, whose bad values fail with one line naming the flag and what it accepts. Flags that
 * shape a run are optional (`Option`): the command fills the defaults in, so that it can tell
 * what the user gave (`deal run --resume` checks exactly those against the saved spec).
 */
const named = (name: string) => {
  const base = Options.text(name)
  return name.includes("_") ? base.pipe(Options.withAlias(name.replaceAll("_", "-"))) : base
}

const invalid = (message: string) => Effect.fail(ValidationError.invalidValue(HelpDoc.p(message)))

const defaultNote = (fallback: string | number | undefined) => (fallback === undefined ? "" : `; default ${fallback}`)


export const integerFlag = (
  name: string,
  description: string,
  options: { readonly min?: number; readonly max?: number; readonly default?: number } = {}
) => {
  const min = options.min ?? 0
  const range = options.max === undefined ? `an integer ≥ ${min}` : `an integer from ${min} to ${options.max}`
  return named(name).pipe(
    Options.withDescription(`${description} (${range}${defaultNote(options.default)})`),
    Options.mapEffect((text) => {
      const n = parseDecimalInteger(text)
      return n !== undefined && n >= min && n <= (options.max ?? Infinity)
        ? Effect.succeed(n)
        : invalid(`--${name}: expected ${range} in decimal digits, got '${text}'`)
    }),
    Options.optional
  )
}

const positiveNumber = (name: string, description: string, fallback: number | undefined) =>
  named(name).pipe(
    Options.withDescription(`${description} (a positive number${defaultNote(fallback)})`),
    Options.mapEffect((text) => {
      const n = parseDecimal(text) ?? Number.NaN
      return Number.isFinite(n) && n > 0 ? Effect.succeed(n) : invalid(`--${name}: expected a positive decimal number such as 0.05 or 5e-3, got '${text}'`)
    })
  )

/** A positive number, optional. */
export const numberFlag = (name: string, description: string, fallback?: number) =>
  positiveNumber(name, description, fallback).pipe(Options.optional)

/** A positive number with a default. */
export const numberFlagWithDefault = (name: string, description: string, fallback: number) =>
  positiveNumber(name, description, fallback).pipe(Options.withDefault(fallback))

/** A flag whose value must be one of `allowed` (matched exactly, then case-insensitively). */
export const choiceFlag = (name: string, description: string, allowed: ReadonlyArray<string>, fallback: string) =>
  validatedFlag(
    name,
    description,
    allowed,
    (text) => allowed.find((a) => a === text) ?? allowed.find((a) => a.toLowerCase() === text.toLowerCase()),
    fallback
  )

export const textFlag = (name: string, description: string) => named(name).pipe(Options.withDescription(description), Options.optional)

/**
 * A flag whose value `parse` accepts (returning the value to use) or rejects (`undefined`);
 * `allowed` describes what it accepts, in the help and in the one-line error.
 */
export const validatedFlag = (
  name: string,
  description: string,
  allowed: ReadonlyArray<string>,
  parse: (text: string) => string | undefined,
  fallback: string
) =>
  named(name).pipe(
    Options.withDescription(`${description}: one of ${allowed.join(", ")} (default ${fallback})`),
    Options.mapEffect((text) => {
      const value = parse(text)
      return value === undefined ? invalid(`--${name}: '${text}' is not one of ${allowed.join(", ")}`) : Effect.succeed(value)
    }),
    Options.optional
  )
