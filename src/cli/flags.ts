import { HelpDoc, Options, ValidationError } from "@effect/cli"
import { Effect, Option } from "effect"

/**
 * Flags in DalMax's snake_case (`--n_round`), with the kebab-case spelling (`--n-round`) as an
 * alias, whose bad values fail with one line naming the flag and what it accepts.
 */
const named = (name: string) => {
  const base = Options.text(name)
  return name.includes("_") ? base.pipe(Options.withAlias(name.replaceAll("_", "-"))) : base
}

const invalid = (message: string) => Effect.fail(ValidationError.invalidValue(HelpDoc.p(message)))

const parseInteger = (flag: string, min: number) => (text: string) => {
  const n = Number(text)
  return Number.isInteger(n) && n >= min
    ? Effect.succeed(n)
    : invalid(`--${flag}: expected an integer ≥ ${min}, got '${text}'`)
}

export const integerFlag = (name: string, description: string, options: { readonly min?: number; readonly default?: number } = {}) => {
  const min = options.min ?? 0
  const flag = named(name).pipe(
    Options.withDescription(`${description} (an integer ≥ ${min}${options.default === undefined ? "" : `; default ${options.default}`})`),
    Options.mapEffect(parseInteger(name, min))
  )
  return options.default === undefined ? Options.optional(flag) : flag.pipe(Options.withDefault(options.default), Options.map(Option.some))
}

export const numberFlag = (name: string, description: string, fallback: number) =>
  named(name).pipe(
    Options.withDescription(`${description} (a positive number; default ${fallback})`),
    Options.mapEffect((text) => {
      const n = Number(text)
      return Number.isFinite(n) && n > 0 ? Effect.succeed(n) : invalid(`--${name}: expected a positive number, got '${text}'`)
    }),
    Options.withDefault(fallback)
  )

/** A flag whose value must be one of `allowed` (matched exactly, then case-insensitively). */
export const choiceFlag = (name: string, description: string, allowed: ReadonlyArray<string>, fallback: string) =>
  named(name).pipe(
    Options.withDescription(`${description}: one of ${allowed.join(", ")} (default ${fallback})`),
    Options.mapEffect((text) => {
      const match = allowed.find((a) => a === text) ?? allowed.find((a) => a.toLowerCase() === text.toLowerCase())
      return match === undefined ? invalid(`--${name}: '${text}' is not one of ${allowed.join(", ")}`) : Effect.succeed(match)
    }),
    Options.withDefault(fallback)
  )

export const textFlag = (name: string, description: string) => named(name).pipe(Options.withDescription(description), Options.optional)
