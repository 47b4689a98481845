import { readFile } from "node:fs/promises"
import { Effect, Either, ParseResult, Schema } from "effect"
import { DataError } from "../data/errors.js"
import { modelCatalogue, modelNames } from "../models/catalogue.js"
import { findStrategy, strategyNames } from "../strategies/catalogue.js"
import { SpecError } from "../run/experiment.js"
import { decodeSpec, ExperimentSpec, type ExperimentSpecInput } from "../run/spec.js"

/** An experiment spec as written in JSON (defaults not yet filled in). */
const EncodedSpec = Schema.encodedSchema(ExperimentSpec)

/** Everything of an experiment but its strategy and seed: what every run of a grid shares. */
export const GridBase = EncodedSpec.pipe(Schema.omit("strategy", "seed"))
export type GridBase = typeof GridBase.Type

/** Some fields of the base, replaced (a profile, or the command line). */
export const GridOverride = Schema.partial(GridBase)
export type GridOverride = typeof GridOverride.Type

const Seeds = Schema.NonEmptyArray(Schema.Int)
const Strategies = Schema.NonEmptyArray(Schema.String)

/**
 * A named variant of a grid, e.g. `quick`: fields of the base it replaces, and optionally
 * other seeds or strategies.
 */
export const GridProfile = Schema.extend(
  GridOverride,
  Schema.Struct({
    /** What the profile is for, in one line. */
    about: Schema.optional(Schema.String),
    seeds: Schema.optional(Seeds),
    strategies: Schema.optional(Strategies)
  })
)
export type GridProfile = typeof GridProfile.Type

/** An accuracy such as `0.95`, written as a string key (`"0.95"`). */
const AccuracyKey = Schema.String.pipe(
  Schema.filter((s) => {
    const n = Number(s)
    return (s.trim() !== "" && Number.isFinite(n) && n > 0 && n <= 1) || `expected an accuracy in (0, 1] such as "0.95", got "${s}"`
  })
)

/**
 * A paper's numbers for the report: per strategy, the labels (or acquired labels: labels
 * beyond the initial set) it needed to first reach each test accuracy.
 */
export const PaperReference = Schema.Struct({
  /** Where the numbers come from, e.g. "Gal, Islam & Ghahramani (2017), Table 1". */
  source: Schema.String,
  /** `acquired`: labels beyond the initial set (as Gal et al. count); `labels`: all labels. */
  unit: Schema.Literal("acquired", "labels"),
  note: Schema.optional(Schema.String),
  /** Per strategy (by the grid's strategy name): its name in the paper and its counts per accuracy. */
  reach: Schema.Record({
    key: Schema.String,
    value: Schema.Struct({ name: Schema.String, labels: Schema.Record({ key: AccuracyKey, value: Schema.Number }) })
  })
})
export type PaperReference = typeof PaperReference.Type

/** What `deal report` adds for this grid. */
export const GridReportOptions = Schema.Struct({
  /** Test accuracies at which to read off the labels each strategy needed (default 0.8, 0.9, 0.95). */
  targets: Schema.optional(Schema.Array(Schema.Number.pipe(Schema.greaterThan(0), Schema.lessThanOrEqualTo(1)))),
  paper: Schema.optional(PaperReference),
  /** Add the stopping summary (`deal stop-analysis` over every run). */
  stopping: Schema.optional(Schema.Boolean)
})
export type GridReportOptions = typeof GridReportOptions.Type

/**
 * A grid of experiments (`deal experiment SPEC`): one base spec run with every strategy and
 * seed, each run in `OUT/<strategy>/seed-<n>/`.
 */
export const GridSpec = Schema.Struct({
  name: Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: () => "a name of letters, digits, '.', '_' and '-'" })),
  description: Schema.String,
  base: GridBase,
  strategies: Strategies,
  seeds: Seeds,
  profiles: Schema.optionalWith(Schema.Record({ key: Schema.String, value: GridProfile }), { default: () => ({}) }),
  report: Schema.optionalWith(GridReportOptions, { default: () => ({}) })
})
export type GridSpec = typeof GridSpec.Type
export type GridSpecInput = typeof GridSpec.Encoded

/** One run of a grid: its directory (relative to the grid's) and its full spec. */
export interface GridRun {
  readonly strategy: string
  readonly seed: number
  readonly dir: string
  readonly spec: ExperimentSpecInput
}

/** A grid with its profile and overrides applied: `OUT/grid.json`. */
export interface ResolvedGrid {
  readonly name: string
  readonly description: string
  readonly profile: string | null
  readonly strategies: ReadonlyArray<string>
  readonly seeds: ReadonlyArray<number>
  readonly base: GridBase
  readonly report: GridReportOptions
  readonly runs: ReadonlyArray<GridRun>
}

/** `OUT/<strategy>/seed-<n>`, with a strategy's characters that do not suit a folder name replaced. */
export const runDir = (strategy: string, seed: number): string => `${strategy.replace(/[^A-Za-z0-9._-]/g, "_")}/seed-${seed}`

/** A parse error as one line per issue: `base.nRund: is unexpected, …`. */
export const formatIssues = (e: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(e)
    .map((i) => `${i.path.length ? `${i.path.join(".")}: ` : ""}${i.message}`)
    .join("; ")
const format = formatIssues

/** Validates a grid spec (unknown fields are errors, so a typo does not pass silently). */
export const decodeGridSpec = (input: unknown, file = "grid spec"): Effect.Effect<GridSpec, SpecError> =>
  Schema.decodeUnknown(GridSpec, { onExcessProperty: "error" })(input).pipe(
    Effect.mapError((e) => new SpecError({ message: `${file}: ${format(e)}` }))
  )

/** Reads and validates a grid spec file. */
export const readGridSpec = (file: string): Effect.Effect<GridSpec, SpecError | DataError> =>
  Effect.tryPromise({ try: () => readFile(file, "utf8"), catch: (e) => new DataError({ file, message: `cannot read: ${(e as Error).message}` }) }).pipe(
    Effect.flatMap((text) =>
      Either.match(Either.try(() => JSON.parse(text) as unknown), {
        onLeft: (e) => Effect.fail(new DataError({ file, message: `not JSON: ${(e as Error).message}` })),
        onRight: Effect.succeed
      })
    ),
    Effect.flatMap((json) => decodeGridSpec(json, file))
  )

/**
 * Applies a profile (by name) and command-line seeds and strategies to a grid and checks that
 * every strategy × seed makes a valid experiment spec. Command-line strategies choose a subset
 * (or add others) and their order within each seed, e.g. the slowest first.
 */
export const resolveGrid = (
  grid: GridSpec,
  options: { readonly profile?: string; readonly seeds?: ReadonlyArray<number>; readonly strategies?: ReadonlyArray<string> } = {}
): Effect.Effect<ResolvedGrid, SpecError> =>
  Effect.gen(function* () {
    let profile: GridProfile = {}
    if (options.profile !== undefined) {
      const found = grid.profiles[options.profile]
      if (found === undefined) {
        const known = Object.keys(grid.profiles)
        return yield* new SpecError({
          message: `grid '${grid.name}' has no profile '${options.profile}': ${known.length ? `expected one of ${known.join(", ")}` : "it defines none"}`
        })
      }
      profile = found
    }
    const { about: _about, seeds: profileSeeds, strategies: profileStrategies, ...overrides } = profile
    const base = { ...grid.base, ...overrides } as GridBase
    const strategies = options.strategies ?? profileStrategies ?? grid.strategies
    const seeds = options.seeds ?? profileSeeds ?? grid.seeds
    if (seeds.length === 0) return yield* new SpecError({ message: "a grid needs at least one seed" })
    if (strategies.length === 0) return yield* new SpecError({ message: "a grid needs at least one strategy" })
    if (new Set(seeds).size !== seeds.length) return yield* new SpecError({ message: `seeds repeat: ${seeds.join(", ")}` })
    const unknown = strategies.filter((s) => findStrategy(s) === undefined)
    if (unknown.length > 0) {
      return yield* new SpecError({
        message: `grid '${grid.name}': unknown strateg${unknown.length === 1 ? "y" : "ies"} ${unknown.map((s) => `'${s}'`).join(", ")}: expected names from ${strategyNames().join(", ")}`
      })
    }
    if (new Set(strategies).size !== strategies.length) return yield* new SpecError({ message: `strategies repeat: ${strategies.join(", ")}` })
    if (base.model !== undefined && modelCatalogue[base.model] === undefined) {
      return yield* new SpecError({ message: `grid '${grid.name}': unknown model '${base.model}': expected one of ${modelNames.join(", ")}` })
    }
    // Seed-major: a grid cut short (or watched while it runs) has every strategy on the first
    // seeds, rather than every seed of the first strategies.
    const runs = yield* Effect.forEach(seeds.flatMap((seed) => strategies.map((strategy) => ({ strategy, seed }))), ({ strategy, seed }) => {
      const spec = { ...base, strategy, seed } as ExperimentSpecInput
      return decodeSpec(spec).pipe(
        Effect.mapError((e) => new SpecError({ message: `grid '${grid.name}', strategy ${strategy}, seed ${seed}: ${format(e)}` })),
        Effect.as({ strategy, seed, dir: runDir(strategy, seed), spec })
      )
    })
    return {
      name: grid.name,
      description: grid.description,
      profile: options.profile ?? null,
      strategies,
      seeds,
      base,
      report: grid.report,
      runs
    }
  })

/** The resolved grid as stored in `OUT/grid.json`. */
export const ResolvedGridFile = Schema.Struct({
  name: Schema.String,
  description: Schema.String,
  profile: Schema.NullOr(Schema.String),
  strategies: Schema.Array(Schema.String),
  seeds: Schema.Array(Schema.Int),
  base: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  report: GridReportOptions,
  runs: Schema.Array(
    Schema.Struct({
      strategy: Schema.String,
      seed: Schema.Int,
      dir: Schema.String,
      spec: Schema.Record({ key: Schema.String, value: Schema.Unknown })
    })
  )
})

/** Reads `DIR/grid.json`, written by `deal experiment`. */
export const readResolvedGrid = (dir: string): Effect.Effect<ResolvedGrid, DataError> => {
  const file = `${dir}/grid.json`
  return Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: () => new DataError({ file, message: "no grid.json: expected a directory written by deal experiment" })
  }).pipe(
    Effect.flatMap((text) =>
      Schema.decodeUnknown(Schema.parseJson(ResolvedGridFile))(text).pipe(
        Effect.mapError((e) => new DataError({ file, message: `not a deal grid: ${format(e).split("\n")[0]}` }))
      )
    ),
    Effect.map((g) => g as unknown as ResolvedGrid)
  )
}
