import { HelpDoc, Options, ValidationError } from "@effect/cli"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { parseDecimal, parseDecimalInteger } from "../runtime/decimal.js"

/**
 * Flags in DalMax's snake_case (`--n_round`), with the kebab-case spelling (`--n-round`) as an
 * alias, whose bad values fail with one line naming the flag and what it accepts. A flag either
 * has a default of its own (`default`: applied here, shown in the help), or is optional
 * (`Option`), and then `shown` is the default something else applies (the experiment spec's,
 * the model's), so that a command can tell what the user gave (`deal run --resume` checks
 * exactly those against the saved spec).
 */

/** Every flag this module made, by the Options value it made: its name and whether it takes a value (for unknown-flag suggestions). */
const made = new WeakMap<object, { readonly name: string; readonly takesValue: boolean }>()

const register = <O extends object>(name: string, options: O, takesValue = true): O => {
  made.set(options, { name, takesValue })
  return options
}

/** The flags of a command: each spelling (`--name`, and its kebab- or snake-case alias), and those that take a value. */
export interface FlagNames {
  readonly names: ReadonlyArray<string>
  readonly taking: ReadonlyArray<string>
}

/** The flags in `record` (a command's options). */
export const flagNames = (record: Readonly<Record<string, unknown>>): FlagNames => {
  const flags = Object.values(record).flatMap((o) => {
    const flag = typeof o === "object" && o !== null ? made.get(o) : undefined
    return flag === undefined ? [] : [flag.name, alias(flag.name)].filter((n) => n !== undefined).map((n) => ({ name: `--${n}`, takesValue: flag.takesValue }))
  })
  return { names: flags.map((f) => f.name), taking: flags.filter((f) => f.takesValue).map((f) => f.name) }
}

/** The other spelling of a flag's name: kebab-case for snake_case, and the reverse. */
const alias = (name: string): string | undefined =>
  name.includes("_") ? name.replaceAll("_", "-") : name.includes("-") ? name.replaceAll("-", "_") : undefined

/** The flag `--name` with its alias. */
const withAlias = <A>(name: string, options: Options.Options<A>): Options.Options<A> => {
  const other = alias(name)
  return other === undefined ? options : options.pipe(Options.withAlias(other))
}

const named = (name: string) => withAlias(name, Options.text(name))

const invalid = (message: string) => Effect.fail(ValidationError.invalidValue(HelpDoc.p(message)))

const note = (fallback: string | number | undefined) => (fallback === undefined ? "" : `; default ${fallback}`)

/** The edit distance of two short texts (case-insensitive): for "did you mean". */
const distance = (a: string, b: string): number => {
  const [s, t] = [a.toLowerCase(), b.toLowerCase()]
  let row = Array.from({ length: t.length + 1 }, (_, j) => j)
  for (let i = 1; i <= s.length; i++) {
    const next = [i]
    for (let j = 1; j <= t.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1))
    row = next
  }
  return row[t.length]
}

/** The known name closest to `text`, when it is close enough to be a typo of it. */
export const closest = (text: string, known: ReadonlyArray<string>): string | undefined => {
  let best: string | undefined
  let bestDistance = Infinity
  for (const k of known) {
    const d = distance(text, k)
    if (d < bestDistance) [best, bestDistance] = [k, d]
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(text.length / 3)) ? best : undefined
}

/** `; did you mean 'X'?` for a typo of a known name, else nothing. */
export const didYouMean = (text: string, known: ReadonlyArray<string>): string => {
  const near = closest(text, known)
  return near === undefined ? "" : `; did you mean '${near}'?`
}

/** The non-empty items of a comma-separated value: the one parser of comma lists. */
export const commaList = (text: string): ReadonlyArray<string> => text.split(",").map((s) => s.trim()).filter((s) => s !== "")

interface Shown<A> {
  /** Applied here when the flag is absent, and shown in the help. */
  readonly default?: A
  /** Shown in the help: the default that the spec or the model applies to an absent flag. */
  readonly shown?: string | number
}

/** The flag with its default (`Options<A>`), or optional (`Options<Option<A>>`). */
type Defaulted<A, D> = D extends { readonly default: A } ? Options.Options<A> : Options.Options<Option.Option<A>>

const finish = <A, D extends Shown<A>>(name: string, flag: Options.Options<A>, options: D): Defaulted<A, D> =>
  register(name, options.default === undefined ? flag.pipe(Options.optional) : flag.pipe(Options.withDefault(options.default))) as Defaulted<A, D>

/** A flag whose text `parse` turns into its value, or refuses with the line it returns. */
const parsedFlag = <A, D extends Shown<A>>(
  name: string,
  description: string,
  accepts: string,
  parse: (text: string) => { readonly value: A } | string,
  options: D
): Defaulted<A, D> =>
  finish(
    name,
    named(name).pipe(
      Options.withDescription(`${description} (${accepts}${note(options.default === undefined ? options.shown : String(options.default))})`),
      Options.mapEffect((text) => {
        const parsed = parse(text)
        return typeof parsed === "string" ? invalid(`--${name}: ${parsed}`) : Effect.succeed(parsed.value)
      })
    ),
    options
  )

export const integerFlag = <D extends Shown<number> & { readonly min?: number; readonly max?: number }>(name: string, description: string, options: D = {} as D) => {
  const min = options.min ?? 0
  const range = options.max === undefined ? `an integer ≥ ${min}` : `an integer from ${min} to ${options.max}`
  return parsedFlag(
    name,
    description,
    range,
    (text) => {
      const n = parseDecimalInteger(text)
      return n !== undefined && n >= min && n <= (options.max ?? Infinity) ? { value: n } : `expected ${range} in decimal digits, got '${text}'`
    },
    options
  )
}

/** A positive number. */
export const numberFlag = <D extends Shown<number>>(name: string, description: string, options: D = {} as D) =>
  parsedFlag(
    name,
    description,
    "a positive number",
    (text) => {
      const n = parseDecimal(text) ?? Number.NaN
      return Number.isFinite(n) && n > 0 ? { value: n } : `expected a positive decimal number such as 0.05 or 5e-3, got '${text}'`
    },
    options
  )

/**
 * A flag whose value `parse` takes to its canonical value, or refuses; `allowed` lists what it
 * accepts, in the help and in the one-line error, which suggests the nearest name.
 */
export const validatedFlag = <A extends string, D extends Shown<A>>(
  name: string,
  description: string,
  allowed: ReadonlyArray<string>,
  parse: (text: string) => A | undefined,
  options: D
): Defaulted<A, D> =>
  finish(
    name,
    named(name).pipe(
      Options.withDescription(`${description}: one of ${allowed.join(", ")}${note(options.default ?? options.shown)}`),
      Options.mapEffect((text) => {
        const value = parse(text)
        return value === undefined ? invalid(`--${name}: '${text}' is not one of ${allowed.join(", ")}${didYouMean(text, allowed)}`) : Effect.succeed(value)
      })
    ),
    options
  )

/** A flag whose value must be one of `allowed` (matched exactly, then case-insensitively), typed as their union. */
export const choiceFlag = <const A extends string, D extends Shown<A>>(name: string, description: string, allowed: ReadonlyArray<A>, options: D = {} as D) =>
  validatedFlag(name, description, allowed, (text) => allowed.find((a) => a === text) ?? allowed.find((a) => a.toLowerCase() === text.toLowerCase()), options)

export const textFlag = <D extends Shown<string>>(name: string, description: string, options: D = {} as D): Defaulted<string, D> =>
  finish(name, named(name).pipe(Options.withDescription(`${description}${note(options.default ?? options.shown).replace(/^; (.*)$/, " ($1)")}`)), options)

/** A text flag the command cannot do without. */
export const requiredTextFlag = (name: string, description: string) => register(name, named(name).pipe(Options.withDescription(description)))

/** A comma-separated list (`a,b,c`), optional; an empty one is refused. */
export const listFlag = (name: string, description: string, example: string) =>
  parsedFlag(
    name,
    description,
    `comma-separated, e.g. ${example}`,
    (text) => {
      const items = commaList(text)
      return items.length > 0 ? { value: items } : `expected names separated by commas, e.g. ${example}, got '${text}'`
    },
    {}
  )

/** A flag that is on when given. */
export const booleanFlag = (name: string, description: string) => {
  return register(name, withAlias(name, Options.boolean(name).pipe(Options.withDescription(description))), false)
}

/** The fields of `values` that were given: Some values unwrapped, booleans that are on; absent ones left out. */
export const givenFields = <R extends Readonly<Record<string, unknown>>>(
  values: R
): { readonly [K in keyof R]?: R[K] extends Option.Option<infer A> ? A : R[K] extends boolean ? true : R[K] } =>
  Object.fromEntries(
    Object.entries(values).flatMap(([k, v]) =>
      Option.isOption(v) ? (Option.isSome(v) ? [[k, v.value]] : []) : typeof v === "boolean" ? (v ? [[k, true]] : []) : [[k, v]]
    )
  ) as never
