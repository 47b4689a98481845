import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { datasetDefaultModel } from "../data/catalogue.js"
import type { DataKind } from "../data/dataset.js"
import { defaultMcSamples } from "../loop/querier.js"
import { type CatalogueModel, modelCatalogue, modelNames, modelSuits, pretrainedModel } from "../models/catalogue.js"
import { parseStopping } from "../stopping/catalogue.js"
import type { StoppingCriterion } from "../stopping/criterion.js"
import { findStrategy, strategyNames } from "../strategies/catalogue.js"
import type { Strategy } from "../strategies/strategy.js"
import { formatIssues } from "./json-file.js"

/** An experiment spec that does not validate or names something unknown. */
export class SpecError extends Data.TaggedError("SpecError")<{ readonly message: string }> {}

const PositiveInt = Schema.Int.pipe(Schema.positive())
const NonNegativeInt = Schema.Int.pipe(Schema.nonNegative())

/** A seed: an integer in [0, 2^32) (deal's streams take 32 bits; larger ones would wrap onto others). */
export const Seed = Schema.Int.pipe(
  Schema.between(0, 2 ** 32 - 1, { message: (issue) => `a seed is an integer from 0 to 4294967295 (2^32 − 1), got ${JSON.stringify(issue.actual)}` })
)

/** The experiment spec's defaults, written once: the schema applies them, the command line's help shows them. */
export const specDefaults = {
  dataset: "mnist",
  strategy: "entropy",
  nInitLabeled: 100,
  initialSelection: "random",
  nQuery: 100,
  nRound: 10,
  seed: 1
} as const

/** The ways to choose the initial labelled set. */
export const initialSelections = ["random", "balanced", "typiclust", "probcover", "kmeans"] as const

/**
 * An experiment: everything that determines a run's results, with every default in this one
 * place. Validated on the way in; stored as `spec.json` in the run directory with the model's
 * training defaults filled in too (`resolveSpec`), so a run can be repeated from its own folder.
 */
export const ExperimentSpec = Schema.Struct({
  dataset: Schema.optionalWith(Schema.String, { default: () => specDefaults.dataset }),
  strategy: Schema.optionalWith(Schema.String, { default: () => specDefaults.strategy }),
  /** Default: the dataset's own (CIFAR10: dalmax-cifar), else mlp. */
  model: Schema.optional(Schema.String),
  nInitLabeled: Schema.optionalWith(NonNegativeInt, { default: () => specDefaults.nInitLabeled }),
  initialSelection: Schema.optionalWith(Schema.Literal(...initialSelections), { default: () => specDefaults.initialSelection }),
  nQuery: Schema.optionalWith(PositiveInt, { default: () => specDefaults.nQuery }),
  nRound: Schema.optionalWith(NonNegativeInt, { default: () => specDefaults.nRound }),
  seed: Schema.optionalWith(Seed, { default: () => specDefaults.seed }),
  imgSize: Schema.optional(PositiveInt),
  /**
   * A frozen pretrained backbone whose embeddings replace the features (`word-vectors`,
   * `word-vectors-tfidf`, a local transformers.js model folder, or a Hugging Face model id).
   */
  backbone: Schema.optional(Schema.String),
  /** What diversity strategies measure distances in: the model's penultimate layer (default) or the backbone's embeddings. */
  embeddingSpace: Schema.optional(Schema.Literal("penultimate", "backbone")),
  /** CSV/JSONL: the label column (default `label`). */
  label: Schema.optional(Schema.String),
  /** CSV/JSONL: one text column to turn into text features (instead of numeric features). */
  text: Schema.optional(Schema.String),
  /** CSV/JSONL: the numeric feature columns (default: every column but the label and `id`). */
  features: Schema.optional(Schema.Array(Schema.String)),
  /** Skip corrupt inputs (undecodable images, bad rows or lines) with a warning instead of failing. */
  skipBad: Schema.optional(Schema.Boolean),
  /** Text datasets: the largest vocabulary, built from the training split (default 2000). */
  vocabSize: Schema.optional(PositiveInt),
  /** Text datasets with token-id models: tokens kept per document (default 256). */
  maxTokens: Schema.optional(PositiveInt),
  /** Use only a seeded subsample of this many training examples (initial set and pool). */
  nTrain: Schema.optional(PositiveInt),
  /** Evaluate on a seeded subsample of this many test examples. */
  nTest: Schema.optional(PositiveInt),
  /** Split a seeded validation set of this many examples off the training data (for validation-plateau). */
  nValidation: Schema.optional(PositiveInt),
  /** Training epochs per round (default: the model's own, e.g. 50 for gal-cnn). */
  epochs: Schema.optional(PositiveInt),
  /** Minibatch size (default: the model's own). */
  batchSize: Schema.optional(PositiveInt),
  /** The learning rate (default: the model's, else 1e-3). */
  learningRate: Schema.optional(Schema.Number.pipe(Schema.positive())),
  /** `adam` or `sgd` (default: the model's, else adam). */
  optimizer: Schema.optional(Schema.Literal("adam", "sgd")),
  /** SGD's momentum (default: the model's, else 0). */
  momentum: Schema.optional(Schema.Number.pipe(Schema.greaterThanOrEqualTo(0), Schema.lessThan(1))),
  warmStart: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  /** `--model file:PATH/model.json`: train only the last k layers that have weights (default: all). */
  trainableLayers: Schema.optional(PositiveInt),
  /** `--model file:PATH/model.json`: a dropout layer of this rate before the head, for MC-dropout strategies. */
  headDropout: Schema.optional(Schema.Number.pipe(Schema.greaterThanOrEqualTo(0), Schema.lessThan(1))),
  /** Weight-decay constant c (gal-cnn: L2 c / N_train on the first dense layer, as Gal et al.'s code). */
  weightDecay: Schema.optional(Schema.Number.pipe(Schema.nonNegative())),
  /** MC-dropout passes T per round, for strategies that need MC samples (default 20). */
  mcSamples: Schema.optional(PositiveInt),
  /** Score only a seeded random subset of this many unlabelled examples per round (all when absent). */
  poolSubset: Schema.optional(PositiveInt),
  /** Extra stopping criteria, e.g. `max-labels=1000`; the loop always stops after `nRound` rounds. */
  stopping: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] })
})
export type ExperimentSpec = typeof ExperimentSpec.Type
export type ExperimentSpecInput = typeof ExperimentSpec.Encoded

/** `where: ` before a message, when the spec comes from somewhere worth naming (a file, a grid's cell). */
const prefix = (where: string | undefined) => (where === undefined ? "" : `${where}: `)

/** Validates a spec (unknown fields are errors, so a typo does not pass silently); errors are one line. */
export const decodeSpec = (input: unknown, where?: string): Effect.Effect<ExperimentSpec, SpecError> =>
  Schema.decodeUnknown(ExperimentSpec, { onExcessProperty: "error", errors: "all" })(input).pipe(
    Effect.mapError((e) => new SpecError({ message: `${prefix(where)}${formatIssues(e)}` }))
  )
export const encodeSpec = Schema.encodeSync(ExperimentSpec)

/**
 * The spec fields that only say when a run ends. The rounds before the end do not depend on
 * them, so a resume may change them (run longer, or stop on a new criterion).
 */
export const budgetFields: ReadonlyArray<string> = ["nRound", "stopping"]

/**
 * The fields whose values differ, as `name: saved X, given Y`: the fields `given` names (a
 * command line's), or with `both` every field either names (two whole specs).
 */
export const specDifferences = (
  saved: Readonly<Record<string, unknown>>,
  given: Readonly<Record<string, unknown>>,
  options: { readonly both?: boolean } = {}
): ReadonlyArray<string> =>
  [...new Set([...Object.keys(given), ...(options.both ? Object.keys(saved) : [])])]
    .filter((k) => (given[k] !== undefined || options.both) && JSON.stringify(given[k]) !== JSON.stringify(saved[k]))
    .map((k) => `${k}: saved ${JSON.stringify(saved[k]) ?? "(none)"}, given ${JSON.stringify(given[k]) ?? "(none)"}`)

const optimizerOf = (spec: ExperimentSpec, model: CatalogueModel): { readonly optimizer?: "sgd"; readonly momentum?: number } => {
  const optimizer = spec.optimizer ?? model.defaults.optimizer ?? "adam"
  return optimizer === "adam" ? {} : { optimizer, momentum: spec.momentum ?? model.defaults.momentum ?? 0 }
}

/** A spec with everything it names looked up: what `runExperiment`, resume and grids run. */
export interface ResolvedExperiment {
  /** The spec with the model, its training defaults and T filled in: what `spec.json` stores. */
  readonly spec: ExperimentSpec & {
    readonly model: string
    readonly epochs: number
    readonly batchSize: number
    readonly learningRate: number
    readonly mcSamples: number
  }
  readonly strategy: Strategy
  readonly model: CatalogueModel
  readonly stopping: ReadonlyArray<StoppingCriterion<any>>
}

/**
 * The one config resolver: validates `input`, fills every default once (the spec's, then the
 * model's training defaults), and looks up the strategy, model and stopping criteria by name.
 * Used by the CLI, `runExperiment`, resume and grids alike.
 */
export const resolveSpec = (input: unknown, where?: string): Effect.Effect<ResolvedExperiment, SpecError> =>
  Effect.gen(function* () {
    const decoded = yield* decodeSpec(input, where)
    const spec = { ...decoded, model: decoded.model ?? datasetDefaultModel(decoded.dataset) ?? "mlp" }
    const strategy = findStrategy(spec.strategy)
    if (strategy === undefined) {
      return yield* new SpecError({ message: `${prefix(where)}unknown strategy '${spec.strategy}': expected one of ${strategyNames().join(", ")}` })
    }
    const pretrained = spec.model.startsWith("file:") ? spec.model.slice("file:".length) : undefined
    if (pretrained === undefined && (spec.trainableLayers !== undefined || spec.headDropout !== undefined)) {
      return yield* new SpecError({ message: `${prefix(where)}trainable_layers and head_dropout apply to a pretrained model (--model file:PATH/model.json), not to '${spec.model}'` })
    }
    const model =
      pretrained === undefined
        ? modelCatalogue[spec.model]
        : yield* pretrainedModel(pretrained, { trainableLayers: spec.trainableLayers, headDropout: spec.headDropout }).pipe(
            Effect.mapError((e) => new SpecError({ message: `${prefix(where)}${e.file}: ${e.message}` }))
          )
    if (model === undefined) {
      return yield* new SpecError({ message: `${prefix(where)}unknown model '${spec.model}': expected one of ${modelNames.join(", ")}, or file:PATH/model.json` })
    }
    if (model.dropout === false && strategy.needs.includes("mcProbabilities")) {
      return yield* new SpecError({
        message: `${prefix(where)}strategy '${spec.strategy}' needs MC-dropout samples, and model '${spec.model}' has no dropout layer: give --head_dropout 0.5, or a strategy without MC dropout`
      })
    }
    if (spec.momentum !== undefined && (spec.optimizer ?? model.defaults.optimizer ?? "adam") !== "sgd") {
      return yield* new SpecError({ message: `${prefix(where)}momentum applies to the sgd optimizer: give --optimizer sgd, or drop --momentum` })
    }
    const stopping = yield* Effect.forEach(spec.stopping, (s) =>
      Either.mapLeft(parseStopping(s), (e) => new SpecError({ message: `${prefix(where)}${e.message}` }))
    )
    return {
      spec: {
        ...spec,
        epochs: spec.epochs ?? model.defaults.epochs,
        batchSize: spec.batchSize ?? model.defaults.batchSize,
        learningRate: spec.learningRate ?? model.defaults.learningRate ?? 1e-3,
        // stored only when not Adam, so that earlier runs' specs (all Adam) still match
        ...optimizerOf(spec, model),
        mcSamples: spec.mcSamples ?? defaultMcSamples
      },
      strategy,
      model,
      stopping
    }
  })

/** Refuses a model that does not suit the dataset's kind, naming the ones that do. */
export const checkModelSuits = (resolved: ResolvedExperiment, kind: DataKind): Effect.Effect<void, SpecError> => {
  const fits = (m: CatalogueModel) => {
    const suits = modelSuits(m)
    return suits.includes(kind) || (kind === "text" && suits.includes("tokens"))
  }
  return fits(resolved.model)
    ? Effect.void
    : new SpecError({
        message: `model '${resolved.spec.model}' does not suit ${kind} data (${resolved.spec.dataset}): expected one of ${modelNames.filter((n) => fits(modelCatalogue[n])).join(", ")}`
      })
}
