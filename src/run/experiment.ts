import { Effect } from "effect"
import type { BackboneError } from "../backbones/backbone.js"
import { findBackbone } from "../backbones/catalogue.js"
import { embedSplits } from "../backbones/embed-splits.js"
import { datasetKind, loadDataset } from "../data/catalogue.js"
import { requireTwoClasses } from "../data/dataset.js"
import type { DataConfigError, DataError } from "../data/errors.js"
import { splitValidation, subsample } from "../data/split.js"
import type { RunSummary } from "../loop/events.js"
import type { ResumeError } from "../loop/resume.js"
import type { Progress } from "../runtime/progress.js"
import type { OracleError } from "../loop/stages.js"
import { checkModelInput, modelSuits } from "../models/catalogue.js"
import type { Backend } from "../runtime/backend.js"
import { RandomStream } from "../runtime/random.js"
import type { WriteError } from "../runtime/atomic-write.js"
import { type ActiveLearningConfig, activeLearning } from "./active-learning.js"
import type { LockError } from "./lock.js"
import { checkModelSuits, encodeSpec, type ResolvedExperiment, resolveSpec, SpecError } from "./spec.js"

export { SpecError } from "./spec.js"

export interface ExperimentOptions {
  /** The run directory (nothing is written without one). */
  readonly out?: string
  /** How to treat what `out` holds (default `new`: refuse another run). */
  readonly mode?: ActiveLearningConfig["mode"]
  /** Continue from a checkpoint (see `resumeExperiment`). */
  readonly resume?: ActiveLearningConfig["resume"]
  /** Another reporter for the run's events (a grid's progress display), besides the run directory. */
  readonly reporter?: ActiveLearningConfig["reporter"]
}

export type ExperimentError = SpecError | DataError | DataConfigError | ResumeError | BackboneError | OracleError | WriteError | LockError

const checkInput = (resolved: ResolvedExperiment, shape: ReadonlyArray<number> | undefined): Effect.Effect<void, SpecError> => {
  const problem = shape === undefined ? undefined : checkModelInput(resolved.spec.model, shape, resolved.model)
  return problem === undefined ? Effect.void : new SpecError({ message: problem })
}

/**
 * Runs an experiment spec (as `deal run` does): resolves it (`resolveSpec`), loads the dataset,
 * and runs the loop, writing the run directory `out` when given. Every input is validated
 * before anything is written to `out`.
 */
export const runExperiment = (
  input: unknown,
  options: ExperimentOptions = {}
): Effect.Effect<RunSummary, ExperimentError, Backend | Progress> =>
  Effect.flatMap(resolveSpec(input), (resolved) => runResolved(resolved, options))

/** Runs a resolved experiment (see `runExperiment`). */
export const runResolved = (
  resolved: ResolvedExperiment,
  options: ExperimentOptions = {}
): Effect.Effect<RunSummary, ExperimentError, Backend | Progress> =>
  Effect.gen(function* () {
    const { spec, model, strategy } = resolved
    // The dataset's kind (image, tabular, text) is known before loading it: check the backbone
    // takes it and the model suits it (or the backbone's embeddings).
    const dataKind = yield* datasetKind(spec.dataset, { text: spec.text })
    const backbone = spec.backbone === undefined ? undefined : yield* findBackbone(spec.backbone, dataKind)
    if (backbone === undefined && spec.embeddingSpace === "backbone") {
      return yield* new SpecError({ message: "embedding_space backbone needs a --backbone" })
    }
    const kind = backbone === undefined ? dataKind : "embedding"
    yield* checkModelSuits(resolved, kind)
    // An image size the model cannot take is refused before any image is decoded.
    // (a pretrained model, which also fixes the channels, is checked once the images are loaded)
    if (backbone === undefined && !spec.model.startsWith("file:")) yield* checkInput(resolved, spec.imgSize === undefined ? undefined : [spec.imgSize, spec.imgSize, 1])
    const loaded = yield* loadDataset(spec.dataset, {
      seed: spec.seed,
      imgSize: spec.imgSize,
      label: spec.label,
      text: spec.text,
      features: spec.features,
      skipBad: spec.skipBad,
      vocabSize: spec.vocabSize,
      maxTokens: spec.maxTokens,
      // Text for a token-id model (embedding-bag, text-cnn) comes as token ids, else as TF-IDF.
      textRepresentation: kind === "text" && !modelSuits(model).includes("text") ? "tokens" : "tfidf"
    })
    const full = backbone === undefined ? loaded : yield* embedSplits(loaded, backbone)
    const train = subsample(full.train, spec.nTrain, RandomStream.make(spec.seed, "subsample", "train"))
    const test = subsample(full.test, spec.nTest, RandomStream.make(spec.seed, "subsample", "test"))
    yield* checkInput(resolved, train.shape)
    yield* requireTwoClasses(train, spec.nTrain === undefined ? spec.dataset : `${spec.dataset} (--n_train ${spec.nTrain})`)
    const data =
      spec.nValidation === undefined
        ? { train, test }
        : { ...(yield* splitValidation(train, spec.nValidation, RandomStream.make(spec.seed, "validation"))), test }
    return yield* activeLearning({
      data,
      model: model.make({ vocabularySize: full.train.vocabulary === undefined ? undefined : full.train.vocabulary.length + 2, weightDecay: spec.weightDecay }),
      strategy,
      train: { epochs: spec.epochs, batchSize: spec.batchSize, learningRate: spec.learningRate, optimizer: spec.optimizer, momentum: spec.momentum, warmStart: spec.warmStart },
      query: { mcSamples: spec.mcSamples, poolSubset: spec.poolSubset, embeddingSpace: spec.embeddingSpace === "backbone" ? "features" : "penultimate" },
      nInitLabeled: spec.nInitLabeled,
      initialSelection: spec.initialSelection,
      nQuery: spec.nQuery,
      nRound: spec.nRound,
      seed: spec.seed,
      stopping: resolved.stopping,
      spec: encodeSpec(spec),
      out: options.out,
      mode: options.mode,
      resume: options.resume,
      reporter: options.reporter
    })
  })
