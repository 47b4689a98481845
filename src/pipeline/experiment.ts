import { Data, Effect, Either, ParseResult } from "effect"
import { loadDataset } from "../data/catalogue.js"
import type { DataConfigError, DataError } from "../data/errors.js"
import { subsample } from "../data/split.js"
import { modelCatalogue, modelNames } from "../models/catalogue.js"
import type { Backend } from "../runtime/backend.js"
import { RandomStream } from "../runtime/random.js"
import type { ReportError } from "../report/errors.js"
import { parseStopping } from "../stopping/parse.js"
import { findStrategy, strategyNames } from "../strategies/catalogue.js"
import { activeLearning } from "./active-learning.js"
import type { RunSummary } from "./events.js"
import type { Progress } from "./progress.js"
import { decodeSpec, encodeSpec, type ExperimentSpecInput } from "./spec.js"
import type { OracleError } from "./stages.js"

/** An experiment spec that does not validate or names something unknown. */
export class SpecError extends Data.TaggedError("SpecError")<{ readonly message: string }> {}

/**
 * Runs an experiment spec (as `deal run` does): validates it, loads the dataset, resolves
 * the strategy, model and stopping criteria by name, and runs the loop, writing the run
 * directory `out` when given.
 */
export const runExperiment = (
  input: ExperimentSpecInput,
  options: { readonly out?: string } = {}
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
      batchSize: spec.batchSize ?? model.defaults.batchSize
    }
    const stopping = yield* Effect.forEach(spec.stopping, (s) =>
      Either.mapLeft(parseStopping(s), (e) => new SpecError({ message: e.message }))
    )
    const full = yield* loadDataset(spec.dataset, spec.imgSize === undefined ? {} : { imgSize: spec.imgSize })
    const data = {
      train: subsample(full.train, spec.nTrain, RandomStream.make(spec.seed, "subsample", "train")),
      test: subsample(full.test, spec.nTest, RandomStream.make(spec.seed, "subsample", "test"))
    }
    return yield* activeLearning({
      data,
      model: model.make(),
      strategy,
      train: { epochs: resolved.epochs, batchSize: resolved.batchSize, learningRate: spec.learningRate, warmStart: spec.warmStart },
      nInitLabeled: spec.nInitLabeled,
      initialSelection: spec.initialSelection,
      nQuery: spec.nQuery,
      nRound: spec.nRound,
      seed: spec.seed,
      stopping,
      spec: encodeSpec(resolved),
      ...(options.out === undefined ? {} : { out: options.out })
    })
  })
