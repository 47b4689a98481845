/**
 * A run prepared once, for every front end (`deal run`, `deal experiment`, `deal label`,
 * `deal serve`, the library): a resolved spec turned into its data (loaded, embedded by its
 * backbone, subsampled, split), the model to train and how, the strategy's scoring options, and
 * the default stage Layers built from them. Every check that can refuse the spec runs before
 * anything is decoded or written.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { BackboneError } from "../backbones/backbone.js"
import { findBackbone } from "../backbones/catalogue.js"
import { embedSplits } from "../backbones/embed-splits.js"
import { datasetKind, loadDataset } from "../data/catalogue.js"
import { type DataKind, type DatasetSplits, requireTwoClasses } from "../data/dataset.js"
import type { DataConfigError, DataError } from "../data/errors.js"
import { splitValidation, subsample } from "../data/split.js"
import { modelEvaluator } from "../loop/evaluator.js"
import { stopSetObserver } from "../loop/observer.js"
import { type QuerierOptions, strategyQuerier } from "../loop/querier.js"
import type { Evaluator, Observer, Querier, Trainer } from "../loop/stages.js"
import { modelTrainer, type ModelTrainerOptions } from "../loop/trainer.js"
import { checkModelInput, modelSuits } from "../models/catalogue.js"
import type { ModelFactory } from "../models/model-factory.js"
import type { TrainConfig } from "../models/train.js"
import type { Progress } from "../runtime/progress.js"
import { RandomStream } from "../runtime/random.js"
import type { Rng } from "../runtime/rng.js"
import type { Strategy } from "../strategies/strategy.js"
import { checkModelSuits, type ResolvedExperiment, SpecError } from "./spec.js"

/** A run's data, model and scoring, ready for the loop. */
export interface PreparedRun {
  readonly resolved: ResolvedExperiment
  /** The dataset's kind (the model learns from `embedding`s when the spec names a backbone). */
  readonly kind: DataKind
  /** The pool (`train`), the test set and the validation set split off the pool, if any. */
  readonly data: DatasetSplits
  readonly model: ModelFactory
  readonly train: TrainConfig & { readonly warmStart?: boolean }
  readonly query: QuerierOptions
}

export interface PrepareOptions {
  /** Data people label (`deal label`, `deal serve`): its classes, and the command that asks (in errors); the dataset must have no labels. */
  readonly toLabel?: { readonly command: string; readonly classes?: ReadonlyArray<string> }
  /** Embed the data through the spec's backbone (default true; false for a thread that only shows the items). */
  readonly embed?: boolean
}

export type PrepareError = SpecError | DataError | DataConfigError | BackboneError

const checkInput = (resolved: ResolvedExperiment, shape: ReadonlyArray<number> | undefined): Effect.Effect<void, SpecError> => {
  const problem = shape === undefined ? undefined : checkModelInput(resolved.spec.model, shape, resolved.model)
  return problem === undefined ? Effect.void : new SpecError({ message: problem })
}

/** Loads and checks what `resolved` names, and the model and scoring it trains and queries with. */
export const prepareRun = (resolved: ResolvedExperiment, options: PrepareOptions = {}): Effect.Effect<PreparedRun, PrepareError, Progress> =>
  Effect.gen(function* () {
    const { spec, model } = resolved
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
    const toLabel = options.toLabel
    const loaded = yield* loadDataset(spec.dataset, {
      seed: spec.seed,
      imgSize: spec.imgSize,
      label: spec.label,
      text: spec.text,
      features: spec.features,
      classes: toLabel?.classes,
      skipBad: spec.skipBad,
      vocabSize: spec.vocabSize,
      maxTokens: spec.maxTokens,
      // Text for a token-id model (embedding-bag, text-cnn) comes as token ids, else as TF-IDF.
      textRepresentation: dataKind === "text" && !modelSuits(model).includes("text") ? "tokens" : "tfidf"
    })
    if (toLabel !== undefined && loaded.train.y.some((y) => y >= 0)) {
      return yield* new SpecError({
        message: `${spec.dataset} is labelled already: ${toLabel.command} takes data to label (an unlabeled/ folder, or a table without a label column, with --classes)`
      })
    }
    const full = backbone === undefined || options.embed === false ? loaded : yield* embedSplits(loaded, backbone)
    const train = subsample(full.train, spec.nTrain, RandomStream.make(spec.seed, "subsample", "train"))
    const test = subsample(full.test, spec.nTest, RandomStream.make(spec.seed, "subsample", "test"))
    if (options.embed !== false) yield* checkInput(resolved, train.shape)
    if (toLabel === undefined) yield* requireTwoClasses(train, spec.nTrain === undefined ? spec.dataset : `${spec.dataset} (--n_train ${spec.nTrain})`)
    const data =
      spec.nValidation === undefined
        ? { train, test }
        : { ...(yield* splitValidation(train, spec.nValidation, RandomStream.make(spec.seed, "validation"))), test }
    return {
      resolved,
      kind: dataKind,
      data,
      model: model.make({ vocabularySize: full.train.vocabulary === undefined ? undefined : full.train.vocabulary.length + 2, weightDecay: spec.weightDecay }),
      train: { epochs: spec.epochs, batchSize: spec.batchSize, learningRate: spec.learningRate, optimizer: spec.optimizer, momentum: spec.momentum, warmStart: spec.warmStart },
      query: { mcSamples: spec.mcSamples, poolSubset: spec.poolSubset, embeddingSpace: spec.embeddingSpace === "backbone" ? "features" : "penultimate" }
    }
  })

/** What the default stages are built from. */
export interface StageConfig {
  readonly model: ModelFactory
  readonly strategy: Strategy
  readonly train: ModelTrainerOptions
  readonly query?: QuerierOptions
}

type StageLayer<S> = Layer.Layer<S, never, Rng | Progress>

/** The default train, evaluate, observe and score/select stages: deal's trainer, evaluator, stop-set observer and the strategy's querier. */
export const defaultStages = (
  config: StageConfig
): { readonly trainer: StageLayer<Trainer>; readonly evaluator: StageLayer<Evaluator>; readonly observer: StageLayer<Observer>; readonly querier: StageLayer<Querier> } => ({
  trainer: modelTrainer(config.model, config.train),
  evaluator: modelEvaluator,
  observer: stopSetObserver,
  querier: strategyQuerier(config.strategy, config.query)
})

/** `defaultStages` as one Layer. */
export const defaultStagesLayer = (config: StageConfig): StageLayer<Trainer | Evaluator | Observer | Querier> => {
  const { trainer, evaluator, observer, querier } = defaultStages(config)
  return Layer.mergeAll(trainer, evaluator, observer, querier)
}
