import { readFile } from "node:fs/promises"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { DataError } from "../data/errors.js"
import { modelCatalogue, modelNames } from "../models/catalogue.js"
import { findStrategy, strategyNames } from "../strategies/catalogue.js"
import { formatIssues } from "../run/json-file.js"
import { GridReportOptions, GridResources, type GridRun, readGridFile, type ResolvedGrid } from "../run/grid-file.js"
import { ExperimentSpec, resolveSpec, Seed, SpecError } from "../run/spec.js"

export { GridReportOptions, GridResources, PaperReference, type GridRun, type ResolvedGrid } from "../run/grid-file.js"

/** An experiment spec as written in JSON (defaults not yet filled in). */
const EncodedSpec = Schema.encodedSchema(ExperimentSpec)

/** Everything of an experiment but its strategy and seed: what every run of a grid shares. */
export const GridBase = EncodedSpec.pipe(Schema.omit("strategy", "seed"))
export type GridBase = typeof GridBase.Type

/** Some fields of the base, replaced (a profile, or the command line). */
export const GridOverride = Schema.partial(GridBase)
export type GridOverride = typeof GridOverride.Type

const Seeds = Schema.NonEmptyArray(Seed)
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
    strategies: Schema.optional(Strategies),
    /** Replaces the grid's resources. */
    resources: Schema.optional(GridResources)
  })
)
export type GridProfile = typeof GridProfile.Type

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
  /** What each cell needs from a scheduler: `deal experiment --slurm` and `--k8s` ask for it. */
  resources: Schema.optional(GridResources),
  report: Schema.optionalWith(GridReportOptions, { default: () => ({}) })
})
export type GridSpec = typeof GridSpec.Type
export type GridSpecInput = typeof GridSpec.Encoded

/** `OUT/<strategy>/seed-<n>`, with a strategy's characters that do not suit a folder name replaced. */
export const runDir = (strategy: string, seed: number): string => `${strategy.replace(/[^A-Za-z0-9._-]/g, "_")}/seed-${seed}`

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
    const { about, seeds: profileSeeds, strategies: profileStrategies, resources: profileResources, ...overrides } = profile
    const base = { ...grid.base, ...overrides } as GridBase
    const resources = profileResources ?? grid.resources
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
    if (base.model !== undefined && !base.model.startsWith("file:") && modelCatalogue[base.model] === undefined) {
      return yield* new SpecError({ message: `grid '${grid.name}': unknown model '${base.model}': expected one of ${modelNames.join(", ")}, or file:PATH/model.json` })
    }
    // Seed-major: a grid cut short (or watched while it runs) has every strategy on the first
    // seeds, rather than every seed of the first strategies.
    const runs = yield* Effect.forEach(seeds.flatMap((seed) => strategies.map((strategy) => ({ strategy, seed }))), ({ strategy, seed }) =>
      Effect.map(resolveSpec({ ...base, strategy, seed }, `grid '${grid.name}', strategy ${strategy}, seed ${seed}`), (resolved) => ({
        strategy,
        seed,
        dir: runDir(strategy, seed),
        spec: resolved.spec
      }))
    )
    return {
      name: grid.name,
      description: grid.description,
      profile: options.profile ?? null,
      ...(options.profile === undefined ? {} : { profileChanges: overrides, ...(about === undefined ? {} : { profileAbout: about }) }),
      strategies,
      seeds,
      base,
      report: grid.report,
      ...(resources === undefined ? {} : { resources }),
      runs
    }
  })

/** Reads the grid file of DIR, written by `deal experiment` (`readGridFile`). */
export const readResolvedGrid = readGridFile
