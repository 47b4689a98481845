import { galCnn, galCnnKeras } from "./gal-cnn.js"
import { mlp } from "./mlp.js"
import type { ModelFactory } from "./model-factory.js"
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
  readonly defaults: { readonly epochs: number; readonly batchSize: number; readonly learningRate?: number }
  /**
   * The kinds of data the model suits (default image, tabular and text). `text` means TF-IDF
   * features; `tokens` means token ids, which a text dataset then provides instead.
   */
  readonly suits?: ReadonlyArray<DataKind>
}

/** Built-in models by name (`--model`). */
export const modelCatalogue: Readonly<Record<string, CatalogueModel>> = {
  mlp: { make: () => mlp(), defaults: { epochs: 10, batchSize: 64 } },
  /** Gal et al. (2017) and its reimplementations train 50 epochs with batch 128 from scratch each round. */
  "gal-cnn": { make: (o) => galCnn(o?.weightDecay === undefined ? {} : { weightDecay: o.weightDecay }), defaults: { epochs: 50, batchSize: 128 }, suits: ["image"] },
  /** The same CNN as the authors' Keras scripts build it: 3×3 kernels, 5×5 pooling. */
  "gal-cnn-keras": {
    make: (o) => galCnnKeras(o?.weightDecay === undefined ? {} : { weightDecay: o.weightDecay }),
    defaults: { epochs: 50, batchSize: 128 },
    suits: ["image"]
  },
  /** Softmax regression: the usual baseline for TF-IDF text and tabular features. */
  logreg: { make: () => logisticRegression(), defaults: { epochs: 30, batchSize: 32, learningRate: 0.05 }, suits: ["image", "tabular", "text"] },
  /** fastText-style mean of word vectors over token ids. */
  "embedding-bag": {
    make: (o) => embeddingBag({ vocabularySize: o?.vocabularySize ?? 2002 }),
    defaults: { epochs: 30, batchSize: 32 },
    suits: ["tokens"]
  },
  /** A small Kim (2014) CNN over token ids. */
  "text-cnn": { make: (o) => textCnn({ vocabularySize: o?.vocabularySize ?? 2002 }), defaults: { epochs: 15, batchSize: 32 }, suits: ["tokens"] }
}

/** The kinds of data `model` suits (every kind but token ids when it does not say). */
export const modelSuits = (model: CatalogueModel): ReadonlyArray<DataKind> => model.suits ?? ["image", "tabular", "text"]

export const modelNames: ReadonlyArray<string> = Object.keys(modelCatalogue)
