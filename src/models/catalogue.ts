import * as Effect from "effect/Effect"
import type { DataError } from "../data/errors.js"
import { dalmaxCifar } from "./dalmax-cifar.js"
import { galCnn, galCnnKeras } from "./gal-cnn.js"
import { mlp } from "./mlp.js"
import type { ModelFactory } from "./model-factory.js"
import { type FineTuneOptions, fineTunedHasDropout, fineTuneFactory, loadPretrainedModel, pretrainedInputShape } from "./pretrained.js"
import type { DataKind } from "../data/dataset.js"
import { embeddingBag, logisticRegression, textCnn } from "./text-models.js"

/** What a model may need to know about the data before it is built. */
export interface MakeOptions {
  /** For token-id models: ids run over 0 .. vocabularySize − 1 (the dataset's vocabulary + 2). */
  readonly vocabularySize?: number
  /** Weight-decay constant c for models that take one (gal-cnn: L2 c / N_train on its first dense layer). */
  readonly weightDecay?: number
}

export interface CatalogueModel {
  readonly make: (options?: MakeOptions) => ModelFactory
  /** Training defaults from the model's source (used when the spec gives none). */
  readonly defaults: {
    readonly epochs: number
    readonly batchSize: number
    readonly learningRate?: number
    readonly optimizer?: "adam" | "sgd"
    readonly momentum?: number
  }
  /**
   * The kinds of data the model suits (default image, tabular, text and embedding). `text` means TF-IDF
   * features; `tokens` means token ids, which a text dataset then provides instead.
   */
  readonly suits?: ReadonlyArray<DataKind>
  /**
   * Why the model cannot take examples of `shape` (e.g. images too small for its convolutions and
   * pooling), or undefined when it can. Every model also needs at least one feature; see
   * {@link checkModelInput}.
   */
  readonly checkInput?: (shape: ReadonlyArray<number>) => string | undefined
  /** Whether it has a dropout layer (MC-dropout strategies need one), when that is known before it is built. */
  readonly dropout?: boolean
}

/**
 * Images of at least `min`×`min`: two valid `kernel`×`kernel` convolutions take 2·(kernel − 1)
 * pixels off each side's length, and `pool`×`pool` pooling then needs `pool` of them, so
 * min = 2·(kernel − 1) + pool (gal-cnn: 8, gal-cnn-keras: 9). Smaller images leave an empty
 * feature map, and the model predicts the same for every input.
 */
const convPoolImages =
  (kernel: number, pool: number) =>
  (shape: ReadonlyArray<number>): string | undefined => {
    const min = 2 * (kernel - 1) + pool
    if (shape.length !== 3) return `needs images [height, width, channels], got [${shape.join(", ")}]`
    const [h, w] = shape
    return h >= min && w >= min
      ? undefined
      : `needs images of at least ${min}×${min} (two ${kernel}×${kernel} convolutions, then ${pool}×${pool} pooling), got ${h}×${w}: expected --img_size ${min} or more`
  }

/** Token sequences at least as long as the convolution is wide (shorter ones leave nothing to max-pool). */
const tokensAtLeast =
  (width: number) =>
  (shape: ReadonlyArray<number>): string | undefined =>
    shape[0] >= width ? undefined : `needs sequences of at least ${width} tokens (its convolution is ${width} wide), got ${shape[0]}: expected --max_tokens ${width} or more`

/** Softmax regression and its training defaults, as `logreg` and as the `linear` head. */
const softmaxRegression = { make: () => logisticRegression(), defaults: { epochs: 30, batchSize: 32, learningRate: 0.05 } } as const

/** Built-in models by name (`--model`). */
export const modelCatalogue: Readonly<Record<string, CatalogueModel>> = {
  mlp: { make: () => mlp(), defaults: { epochs: 10, batchSize: 64 } },
  /** Gal et al. (2017) and its reimplementations train 50 epochs with batch 128 from scratch each round. */
  "gal-cnn": { make: (o) => galCnn(o?.weightDecay === undefined ? {} : { weightDecay: o.weightDecay }), defaults: { epochs: 50, batchSize: 128 }, suits: ["image"], checkInput: convPoolImages(4, 2) },
  /** The same CNN as the authors' Keras scripts build it: 3×3 kernels, 5×5 pooling. */
  "gal-cnn-keras": {
    make: (o) => galCnnKeras(o?.weightDecay === undefined ? {} : { weightDecay: o.weightDecay }),
    defaults: { epochs: 50, batchSize: 128 },
    suits: ["image"],
    checkInput: convPoolImages(3, 5)
  },
  /** DeepAL's CIFAR net as DalMax trains it on CIFAR-10 (SGD lr 0.05, momentum 0.3, batch 64, 20 epochs). */
  "dalmax-cifar": {
    make: () => dalmaxCifar(),
    defaults: { epochs: 20, batchSize: 64, learningRate: 0.05, optimizer: "sgd", momentum: 0.3 },
    suits: ["image"],
    checkInput: (shape) => {
      if (shape.length !== 3) return `needs images [height, width, channels], got [${shape.join(", ")}]`
      // 5×5 valid convolutions and 2×2 pools: s − 8, halved, − 4, halved must leave ≥ 1 pixel
      const ok = (s: number) => Math.floor((Math.floor((s - 8) / 2) - 4) / 2) >= 1
      return ok(shape[0]) && ok(shape[1]) ? undefined : `needs images of at least 20×20 (three 5×5 convolutions and two 2×2 poolings), got ${shape[0]}×${shape[1]}: expected --img_size 32`
    }
  },
  /** Softmax regression: the usual baseline for TF-IDF text and tabular features. */
  logreg: { ...softmaxRegression, suits: ["image", "tabular", "text", "embedding"] },
  /** The linear head on a frozen backbone's embeddings (`--backbone`): softmax regression, as logreg. */
  linear: { ...softmaxRegression, suits: ["embedding", "tabular"] },
  /** fastText-style mean of word vectors over token ids. */
  "embedding-bag": {
    make: (o) => embeddingBag({ vocabularySize: o?.vocabularySize ?? 2002 }),
    defaults: { epochs: 30, batchSize: 32 },
    suits: ["tokens"]
  },
  /** A small Kim (2014) CNN over token ids. */
  "text-cnn": { make: (o) => textCnn({ vocabularySize: o?.vocabularySize ?? 2002 }), defaults: { epochs: 15, batchSize: 32 }, suits: ["tokens"], checkInput: tokensAtLeast(5) }
}

/**
 * A user's pretrained tfjs model (`--model file:PATH/model.json`) as a catalogue model: loaded
 * once, fine-tuned each round from its pretrained weights (see `fineTuneFactory`), with Adam at
 * 1e-4 for 10 epochs of batch 32 unless the spec says otherwise.
 */
export const pretrainedModel = (file: string, options: FineTuneOptions): Effect.Effect<CatalogueModel, DataError> =>
  Effect.map(loadPretrainedModel(file), (template) => {
    const expected = pretrainedInputShape(template)
    return {
      make: () => fineTuneFactory(template, options),
      defaults: { epochs: 10, batchSize: 32, learningRate: 1e-4 },
      suits: ["image", "tabular", "embedding"],
      dropout: fineTunedHasDropout(template, options),
      checkInput: (shape) =>
        shape.length === expected.length && shape.every((d, i) => expected[i] === null || expected[i] === d)
          ? undefined
          : `takes examples of shape [${expected.map((d) => d ?? "any").join(", ")}], got [${shape.join(", ")}]${expected.length === 3 ? `: expected --img_size ${expected[0]}` : ""}`
    }
  })

/** The kinds of data `model` suits (every kind but token ids when it does not say). */
export const modelSuits = (model: CatalogueModel): ReadonlyArray<DataKind> => model.suits ?? ["image", "tabular", "text", "embedding"]

/**
 * Why model `name` cannot take examples of `shape` (one line naming the model, the shape and what
 * it needs), or undefined when it can (or when `name` is not a catalogue model). Call it before
 * anything is loaded or written: with `--img_size N` an image shape is known up front as [N, N, 1]
 * (only height and width are checked).
 */
export const checkModelInput = (name: string, shape: ReadonlyArray<number>, model: CatalogueModel | undefined = modelCatalogue[name]): string | undefined => {
  if (model === undefined) return undefined
  const problem =
    shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)
      ? `needs at least one feature in every dimension, got [${shape.join(", ")}]`
      : model.checkInput?.(shape)
  return problem === undefined ? undefined : `model '${name}' ${problem}`
}

export const modelNames: ReadonlyArray<string> = Object.keys(modelCatalogue)
