import * as tf from "@tensorflow/tfjs-core"
import * as tfl from "@tensorflow/tfjs-layers"
import * as Effect from "effect/Effect"
import { forwardBatchSize } from "../runtime/batch-size.js"
import { type Dataset, featureBatches, numClasses } from "../data/dataset.js"
import { deriveSeed } from "../runtime/random.js"
import { SeededDropout } from "./seeded-dropout.js"

/** The dropout rate of a dropout layer (deal's `SeededDropout` or tfjs's `Dropout`), undefined for other layers. */
export const dropoutRate = (layer: tfl.layers.Layer): number | undefined => {
  if (layer instanceof SeededDropout) return layer.rate
  if (layer.getClassName() === "Dropout") return Number(layer.getConfig()["rate"])
  return undefined
}

/** Layers that only apply an activation: the embedding is taken before them and the output layer. */
const activationOnly = new Set(["Activation", "Softmax"])

/**
 * A Sequential model seen as a chain of layers: the output layer `head` (whose input is the
 * penultimate embedding) and the first dropout layer (everything before it is deterministic and
 * is computed once for all MC-dropout passes).
 */
export interface LayerChain {
  readonly layers: ReadonlyArray<tfl.layers.Layer>
  /** Index of the output layer; the embedding is its input. */
  readonly head: number
  /** Index of the first dropout layer, or -1 when there is none. */
  readonly firstDropout: number
}

/** Index of the output layer: the last layer that is not just an activation. */
export const headIndex = (layers: ReadonlyArray<tfl.layers.Layer>): number => {
  let head = layers.length - 1
  while (head > 0 && activationOnly.has(layers[head].getClassName())) head--
  return head
}

export const layerChain = (model: tfl.LayersModel): LayerChain | undefined => {
  if (!(model instanceof tfl.Sequential)) return undefined
  const layers = model.layers
  return { layers, head: headIndex(layers), firstDropout: layers.findIndex((l) => dropoutRate(l) !== undefined) }
}

export const hasDropout = (model: tfl.LayersModel): boolean => model.layers.some((l) => dropoutRate(l) !== undefined)

/** MC dropout without a dropout layer gives T identical passes: a configuration error, said plainly. */
export class NoDropoutError extends Error {
  constructor(readonly modelName: string) {
    super(
      `MC dropout needs a model with dropout layers, but model '${modelName}' has none: every pass would be identical. ` +
        `Add a SeededDropout layer or choose a strategy that does not need MC samples.`
    )
    this.name = "NoDropoutError"
  }
}

export interface McRequest {
  /** Number of stochastic passes T. */
  readonly samples: number
  /** Seed of this round's masks: pass t, layer l, batch b uses the mask seeded by hash(seed, t, l, b). */
  readonly seed: number
  /** Reuse the deterministic layers before the first dropout across passes (default true). */
  readonly cachePrefix?: boolean
}

export interface OutputRequest {
  readonly probabilities?: boolean
  readonly embeddings?: boolean
  readonly mc?: McRequest
  /** Examples per forward batch (default: `forwardBatchSize(model)`: 500 on CPUs; on a GPU up to 2,048, as many as its buffers allow). */
  readonly batchSize?: number
  readonly onBatch?: (done: number, total: number) => Effect.Effect<void>
}

/** What one forward sweep over a set of examples computed, in row-major typed arrays. */
export interface ModelOutputs {
  readonly n: number
  readonly numClasses: number
  /** [n × C] */
  readonly probabilities?: Float32Array
  /** [n × embeddingSize] */
  readonly embeddings?: Float32Array
  readonly embeddingSize: number
  /** [n × T × C] */
  readonly mcProbabilities?: Float32Array
  readonly mcSamples: number
}

/** Applies layers [from, layers.length) to h; dropout layers drop with `seedOf(l)` when given, else are the identity. */
const runChain = (
  chain: LayerChain,
  h: tf.Tensor,
  from: number,
  seedOf?: (layer: number) => number
): { readonly out: tf.Tensor; readonly embedding?: tf.Tensor } => {
  let embedding: tf.Tensor | undefined
  for (let l = from; l < chain.layers.length; l++) {
    if (l === chain.head) embedding = h
    const rate = dropoutRate(chain.layers[l])
    if (rate !== undefined) {
      if (seedOf !== undefined && rate > 0) h = tf.dropout(h, rate, undefined, seedOf(l))
    } else {
      h = chain.layers[l].apply(h) as tf.Tensor
    }
  }
  return embedding === undefined ? { out: h } : { out: h, embedding }
}

const flatEmbedding = (t: tf.Tensor): tf.Tensor2D => tf.reshape(t, [t.shape[0], -1]) as tf.Tensor2D

/**
 * Probabilities, penultimate embeddings and T MC-dropout samples of `model` for the examples
 * `indices` of `ds`, in one sweep of batches. For a Sequential model the layers before the first
 * dropout layer run once per batch and their output is reused by the deterministic pass and by
 * every MC pass (MC caching); each MC pass draws a fresh mask per dropout layer, seeded from
 * `mc.seed`, the pass, the layer and the batch, so the samples are reproducible. Other models run
 * whole: `predict` for probabilities, a sub-model up to the output layer's input for embeddings,
 * and `apply(x, { training: true })` with reseeded `SeededDropout` layers per MC pass.
 */
export const modelOutputs = (model: tfl.LayersModel, ds: Dataset, indices: Int32Array, request: OutputRequest): Effect.Effect<ModelOutputs> =>
  Effect.suspend(() => {
    const n = indices.length
    const c = numClasses(ds)
    const batchSize = request.batchSize ?? forwardBatchSize(model)
    const mc = request.mc
    const T = mc?.samples ?? 0
    if (mc !== undefined && !hasDropout(model)) return Effect.die(new NoDropoutError(model.name))
    const chain = layerChain(model)
    const embeddingModel =
      request.embeddings && chain === undefined
        ? tfl.model({ inputs: model.inputs, outputs: model.layers[headIndex(model.layers)].input as tfl.SymbolicTensor })
        : undefined
    let probabilities: Float32Array | undefined
    let embeddings: Float32Array | undefined
    let embeddingSize = 0
    const mcProbabilities = mc === undefined ? undefined : new Float32Array(n * T * c)
    if (request.probabilities) probabilities = new Float32Array(n * c)

    /** One batch's outputs, computed in one tidy and kept for reading. */
    const compute = (start: number, end: number): { mc?: tf.Tensor; probs?: tf.Tensor; emb?: tf.Tensor2D } =>
      tf.tidy(() => {
        const x = features.batch(start, end)
        let emb: tf.Tensor | undefined
        let probs: tf.Tensor | undefined
        let mcOut: tf.Tensor | undefined
        if (chain !== undefined) {
          const split = chain.firstDropout >= 0 && mc?.cachePrefix !== false ? chain.firstDropout : 0
          const prefix = runChain({ ...chain, layers: chain.layers.slice(0, split) }, x, 0)
          const h = prefix.out
          if (request.probabilities || request.embeddings) {
            const rest = runChain(chain, h, split)
            probs = rest.out
            emb = prefix.embedding ?? rest.embedding
          }
          if (mc !== undefined) {
            const from = chain.firstDropout >= 0 && mc.cachePrefix !== false ? split : 0
            const start0 = from === 0 ? x : h
            const outs: Array<tf.Tensor> = []
            for (let t = 0; t < T; t++) {
              outs.push(tf.tidy(() => runChain(chain, start0, from, (l) => deriveSeed(mc.seed, t, l, start)).out))
            }
            mcOut = tf.stack(outs, 1)
          }
        } else {
          if (request.probabilities) probs = model.predict(x) as tf.Tensor
          if (embeddingModel !== undefined) emb = embeddingModel.predict(x) as tf.Tensor
          if (mc !== undefined) {
            const outs: Array<tf.Tensor> = []
            for (let t = 0; t < T; t++) {
              model.layers.forEach((l, i) => l instanceof SeededDropout && l.reseed(deriveSeed(mc.seed, t, i, start)))
              outs.push(tf.tidy(() => model.apply(x, { training: true }) as tf.Tensor))
            }
            mcOut = tf.stack(outs, 1)
          }
        }
        return {
          ...(mcOut === undefined ? {} : { mc: mcOut }),
          ...(request.probabilities && probs !== undefined ? { probs } : {}),
          ...(request.embeddings && emb !== undefined ? { emb: flatEmbedding(emb) } : {})
        }
      })

    /** Computes a batch and reads it back once, asynchronously (a GPU backend is not stalled by a sync read). */
    const batch = async (start: number, end: number) => {
      const out = compute(start, end)
      try {
        const [mcValues, probValues, embValues] = await Promise.all([out.mc?.data(), out.probs?.data(), out.emb?.data()])
        if (mcValues !== undefined) mcProbabilities!.set(mcValues as Float32Array, start * T * c)
        if (probValues !== undefined) probabilities!.set(probValues as Float32Array, start * c)
        if (embValues !== undefined) {
          if (embeddings === undefined) {
            embeddingSize = out.emb!.shape[1]
            embeddings = new Float32Array(n * embeddingSize)
          }
          embeddings.set(embValues as Float32Array, start * embeddingSize)
        }
      } finally {
        for (const t of [out.mc, out.probs, out.emb]) t?.dispose()
      }
    }

    const starts = Array.from({ length: Math.ceil(n / batchSize) }, (_, i) => i * batchSize)
    const features = featureBatches(ds, indices)
    return Effect.forEach(
      starts,
      (start) => {
        const end = Math.min(n, start + batchSize)
        return Effect.promise(() => batch(start, end)).pipe(Effect.zipRight(request.onBatch ? request.onBatch(end, n) : Effect.void))
      },
      { discard: true }
    ).pipe(
      Effect.ensuring(Effect.sync(() => features.dispose())),
      Effect.map(() => {
        if (request.embeddings && embeddings === undefined) {
          // no batch ran (n = 0): the size is the output layer's input width
          const shape = (model.layers[headIndex(model.layers)].input as tfl.SymbolicTensor).shape
          embeddingSize = shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1)
          embeddings = new Float32Array(0)
        }
        return {
          n,
          numClasses: c,
          embeddingSize,
          mcSamples: T,
          ...(probabilities ? { probabilities } : {}),
          ...(embeddings ? { embeddings } : {}),
          ...(mcProbabilities ? { mcProbabilities } : {})
        }
      })
    )
  })
