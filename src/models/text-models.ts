/**
 * Models for text (and other flat features): logistic regression, and two small models over
 * token ids (0 pads, 1 is out-of-vocabulary, word i is i + 2; see `src/data/text.ts`): an
 * embedding bag (fastText-style mean of word vectors) and a 1-D CNN (Kim 2014, one filter width).
 */
import * as tf from "@tensorflow/tfjs-core"
import * as tfl from "@tensorflow/tfjs-layers"
import type { ModelFactory } from "./model-factory.js"
import { registerWasmSegmentSum } from "../runtime/wasm-segment-sum.js"
import { SeededDropout } from "./seeded-dropout.js"

/** Multinomial logistic regression: flatten → dense(C, softmax). */
export const logisticRegression =
  (): ModelFactory =>
  ({ inputShape, numClasses, seed }) =>
    tfl.sequential({
      layers: [
        ...(inputShape.length > 1 ? [tfl.layers.flatten({ inputShape: [...inputShape] })] : []),
        tfl.layers.dense({
          ...(inputShape.length > 1 ? {} : { inputShape: [...inputShape] }),
          units: numClasses,
          activation: "softmax",
          kernelInitializer: tfl.initializers.glorotUniform({ seed: seed() })
        })
      ]
    })

export interface EmbeddingBagConfig {
  readonly vocabularySize: number
  readonly dim: number
  readonly seed: number
  readonly name?: string
  readonly inputShape?: Array<number>
}

/**
 * The mean of the word vectors of a sequence of token ids, padding (id 0) excluded: counts the
 * ids per row (a segment sum of ones over `row · V + id`: whole numbers, exact in any order, and
 * unlike tfjs-backend-webgpu 4.22's 2-D `denseBincount`, right on every backend), normalises the
 * counts, and multiplies by the embedding matrix, so training needs only a matrix product's
 * gradient (no `gather`).
 */
export class EmbeddingBag extends tfl.layers.Layer {
  static readonly className = "EmbeddingBag"
  readonly vocabularySize: number
  readonly dim: number
  private readonly seedValue: number
  private embeddings: tfl.LayerVariable | undefined

  constructor(config: EmbeddingBagConfig) {
    super({
      ...(config.name === undefined ? {} : { name: config.name }),
      ...(config.inputShape === undefined ? {} : { inputShape: config.inputShape })
    })
    this.vocabularySize = config.vocabularySize
    this.dim = config.dim
    this.seedValue = config.seed
  }

  override build(): void {
    this.embeddings = this.addWeight(
      "embeddings",
      [this.vocabularySize, this.dim],
      "float32",
      tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: this.seedValue })
    )
    this.built = true
  }

  override computeOutputShape(inputShape: tfl.Shape | Array<tfl.Shape>): tfl.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape
    return [s[0], this.dim]
  }

  override call(inputs: tf.Tensor | Array<tf.Tensor>): tf.Tensor {
    return tf.tidy(() => {
      const ids = tf.cast(Array.isArray(inputs) ? inputs[0] : inputs, "int32") as tf.Tensor2D
      const [rows, length] = ids.shape
      const V = this.vocabularySize
      const bins = tf.add(ids, tf.mul(tf.reshape(tf.range(0, rows, 1, "int32"), [rows, 1]), tf.scalar(V, "int32")))
      const counts = tf.reshape(tf.unsortedSegmentSum(tf.ones([rows * length]), tf.reshape(bins, [rows * length]), rows * V), [rows, V])
      const notPad = tf.concat([tf.zeros([1]), tf.ones([this.vocabularySize - 1])])
      const kept = tf.mul(counts, notPad)
      const weights = tf.div(kept, tf.maximum(tf.sum(kept, 1, true), 1))
      return tf.matMul(weights, this.embeddings!.read())
    })
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), vocabularySize: this.vocabularySize, dim: this.dim, seed: this.seedValue }
  }
}
tf.serialization.registerClass(EmbeddingBag)

/** Token-id models need the vocabulary size (the dataset's vocabulary + 2 for padding and OOV). */
export interface TokenModelOptions {
  readonly vocabularySize: number
  readonly dim?: number
}

/**
 * An embedding bag (Joulin et al. 2017, fastText): the mean word vector of a document →
 * dropout → dense(C, softmax).
 */
export const embeddingBag =
  (options: TokenModelOptions): ModelFactory =>
  ({ inputShape, numClasses, seed }) => {
    const model = tfl.sequential()
    model.add(new EmbeddingBag({ vocabularySize: options.vocabularySize, dim: options.dim ?? 64, seed: seed(), inputShape: [...inputShape] }))
    model.add(new SeededDropout({ rate: 0.2, seed: seed() }))
    model.add(tfl.layers.dense({ units: numClasses, activation: "softmax", kernelInitializer: tfl.initializers.glorotUniform({ seed: seed() }) }))
    return model
  }

/**
 * A small 1-D CNN over token ids (Kim 2014, one filter width): embedding(64) → conv1d(64 filters
 * of width 5, ReLU) → global max-pool → dropout 0.5 → dense(C, softmax).
 */
export const textCnn =
  (options: TokenModelOptions): ModelFactory =>
  ({ inputShape, numClasses, seed }) => {
    registerWasmSegmentSum()
    const model = tfl.sequential()
    model.add(
      tfl.layers.embedding({
        inputDim: options.vocabularySize,
        outputDim: options.dim ?? 64,
        inputLength: inputShape[0],
        inputShape: [...inputShape],
        embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: seed() })
      })
    )
    model.add(tfl.layers.conv1d({ filters: 64, kernelSize: 5, activation: "relu", kernelInitializer: tfl.initializers.glorotUniform({ seed: seed() }) }))
    model.add(tfl.layers.globalMaxPooling1d())
    model.add(new SeededDropout({ rate: 0.5, seed: seed() }))
    model.add(tfl.layers.dense({ units: numClasses, activation: "softmax", kernelInitializer: tfl.initializers.glorotUniform({ seed: seed() }) }))
    return model
  }
