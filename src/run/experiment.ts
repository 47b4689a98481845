import { Data, Effect, Either, ParseResult } from "effect"
import { datasetKind, loadDataset } from "../data/catalogue.js"
import type { DataConfigError, DataError } from "../data/errors.js"
import { splitValidation, subsample } from "../data/split.js"
import { modelCatalogue, modelNames, modelSuits } from "../models/catalogue.js"
import type { Backend } from "../runtime/backend.js"
import { RandomStream } from "../runtime/random.js"
import type { ReportError } from "../report/errors.js"
import { parseStopping } from "../stopping/catalogue.js"
import { findStrategy, strategyNames } from "../strategies/catalogue.js"
import { type ActiveLearningConfig, activeLearning } from "./active-learning.js"
import { defaultMcSamples } from "../loop/querier.js"
import type { RunSummary } from "../loop/events.js"
import type { Progress } from "../loop/progress.js"
import { decodeSpec, encodeSpec, type ExperimentSpecInput } from "./spec.js"
import type { OracleError } from "../loop/stages.js"

/** An experiment spec that does not validate or names something unknown. */
export class SpecError extends Data.TaggedError("SpecError")<{ readonly message: string }> {}

/**
 * Runs an experiment spec (as `deal run` does): validates it, loads the dataset, resolves
 * the strategy, model and stopping criteria by name, and runs the loop, writing the run
 * directory `out` when given.
 */
export const runExperiment = (
  input: ExperimentSpecInput,
  options: {
    readonly out?: string
    readonly resume?: ActiveLearningConfig["resume"]
    /** Another reporter for the run's events (a grid's progress display), besides the run directory. */
    readonly reporter?: ActiveLearningConfig["reporter"]
  } = {}
): Effect.Effect<RunSummary, SpecError | DataError | DataConfigError | OracleError | ReportError, Backend | Progress> =>
  Effect.gen(function* () {
    const spec = yield* decodeSpec(input).pipe(
      Effect.mapError((e) => new SpecError({ message: ParseResult.TreeFormatter.formatErrorSync(e) }))
    )
    const strategy = findStrategy(spec.strategy)
    if (strategy === undefined) {
      return yield* new SpecError({ message: `unknown strategy '${spec.strategy}': expected one of ${strategyNames().join(", ")}` })
    }
    const model = modelCatalogue[spec.model]
    if (model === undefined) {
      return yield* new SpecError({ message: `unknown model '${spec.model}': expected one of ${modelNames.join(", ")}` })
    }
    const resolved = {
      ...spec,
      epochs: spec.epochs ?? model.defaults.epochs,
      batchSize: spec.batchSize ?? model.defaults.batchSize,
      learningRate: spec.learningRate ?? model.defaults.learningRate ?? 1e-3,
      mcSamples: spec.mcSamples ?? defaultMcSamples
    }
    const stopping = yield* Effect.forEach(spec.stopping, (s) =>
      Either.mapLeft(parseStopping(s), (e) => new SpecError({ message: e.message }))
    )
    // The dataset's kind (image, tabular, text) is known before loading it: check the model suits it.
    const kind = yield* datasetKind(spec.dataset, spec.text === undefined ? {} : { text: spec.text })
    const suits = modelSuits(model)
    if (!suits.includes(kind) && !(kind === "text" && suits.includes("tokens"))) {
      const fitting = modelNames.filter((n) => {
        const s = modelSuits(modelCatalogue[n])
        return s.includes(kind) || (kind === "text" && s.includes("tokens"))
      })
      return yield* new SpecError({
        message: `model '${spec.model}' does not suit ${kind} data (${spec.dataset}): expected one of ${fitting.join(", ")}`
      })
    }
    const full = yield* loadDataset(spec.dataset, {
      seed: spec.seed,
      ...(spec.imgSize === undefined ? {} : { imgSize: spec.imgSize }),
      ...(spec.label === undefined ? {} : { label: spec.label }),
      ...(spec.text === undefined ? {} : { text: spec.text }),
      ...(spec.features === undefined ? {} : { features: spec.features }),
      ...(spec.skipBad === undefined ? {} : { skipBad: spec.skipBad }),
      ...(spec.vocabSize === undefined ? {} : { vocabSize: spec.vocabSize }),
      ...(spec.maxTokens === undefined ? {} : { maxTokens: spec.maxTokens }),
      // Text for a token-id model (embedding-bag, text-cnn) comes as token ids, else as TF-IDF.
      textRepresentation: kind === "text" && !suits.includes("text") ? "tokens" : "tfidf"
    })
    const train = subsample(full.train, spec.nTrain, RandomStream.make(spec.seed, "subsample", "train"))
    const test = subsample(full.test, spec.nTest, RandomStream.make(spec.seed, "subsample", "test"))
    const data =
      spec.nValidation === undefined
        ? { train, test }
        : { ...(yield* splitValidation(train, spec.nValidation, RandomStream.make(spec.seed, "validation"))), test }
    return yield* activeLearning({
      data,
      model: model.make({
        ...(full.train.vocabulary === undefined ? {} : { vocabularySize: full.train.vocabulary.length + 2 }),
        ...(spec.weightDecay === undefined ? {} : { weightDecay: spec.weightDecay })
      }),
      strategy,
      train: { epochs: resolved.epochs, batchSize: resolved.batchSize, learningRate: resolved.learningRate, warmStart: spec.warmStart },
      query: {
        mcSamples: resolved.mcSamples,
        ...(spec.poolSubset === undefined ? {} : { poolSubset: spec.poolSubset })
      },
      nInitLabeled: spec.nInitLabeled,
      initialSelection: spec.initialSelection,
      nQuery: spec.nQuery,
      nRound: spec.nRound,
      seed: spec.seed,
      stopping,
      spec: encodeSpec(resolved),
      ...(options.out === undefined ? {} : { out: options.out }),
      ...(options.resume === undefined ? {} : { resume: options.resume }),
      ...(options.reporter === undefined ? {} : { reporter: options.reporter })
    })
  })
