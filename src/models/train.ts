import * as tf from "@tensorflow/tfjs-core"
import type * as tfl from "@tensorflow/tfjs-layers"
import * as Effect from "effect/Effect"
import { type Dataset, featureSize, featuresTensor, numClasses } from "../data/dataset.js"
import { tensorByteLimit } from "../runtime/batch-size.js"
import type { RandomStream } from "../runtime/random.js"

export interface TrainConfig {
  readonly epochs: number
  readonly batchSize: number
  readonly learningRate: number
  /** `adam` (default) or `sgd` (with `momentum`, default 0: plain SGD). */
  readonly optimizer?: "adam" | "sgd"
  readonly momentum?: number
}

/** The optimizer a config asks for: Adam, or SGD with (PyTorch-style, undampened) momentum. */
const makeOptimizer = (config: TrainConfig): tf.Optimizer =>
  config.optimizer === "sgd"
    ? (config.momentum ?? 0) > 0
      ? tf.train.momentum(config.learningRate, config.momentum!)
      : tf.train.sgd(config.learningRate)
    : tf.train.adam(config.learningRate)

export interface EpochReport {
  readonly epoch: number
  readonly epochs: number
  readonly loss: number
}

/** Mean categorical cross-entropy of predicted probabilities against one-hot targets. */
export const crossEntropy = (probs: tf.Tensor, oneHot: tf.Tensor): tf.Scalar =>
  tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.log(tf.clipByValue(probs, 1e-7, 1))), -1))) as tf.Scalar)

/**
 * The regularisation penalties of every layer (kernel L2 and the like). Read from the layers
 * themselves: `LayersModel.calculateLosses()` returns none for a Sequential model, which
 * would silently drop weight decay.
 */
export const regularizationLosses = (model: tfl.LayersModel): Array<tf.Scalar> => model.layers.flatMap((l) => l.calculateLosses())

/**
 * Trains `model` with Adam (or SGD, `config.optimizer`) on the examples `indices` of `ds`, labelled `labels` (the oracle's
 * answers, aligned with `indices`). deal's own minibatch loop: the order of each epoch is a
 * permutation from `rng` (tfjs's `fit` shuffles without a seed), dropout masks come from the
 * model's SeededDropout layers, and the regularisation losses of the model are added. Returns
 * the mean training loss of the last epoch.
 */
export const fitModel = (
  model: tfl.LayersModel,
  ds: Dataset,
  indices: Int32Array,
  labels: Int32Array,
  config: TrainConfig,
  rng: RandomStream,
  onEpoch: (report: EpochReport) => Effect.Effect<void> = () => Effect.void
): Effect.Effect<number> =>
  Effect.acquireUseRelease(
    Effect.sync(() => ({
      // the labelled set stays on the device, unless it is bigger than one tensor may be there
      // (webgpu's storage-binding limit); then each batch is uploaded on its own
      x: 4 * indices.length * featureSize(ds) <= (tensorByteLimit() ?? Infinity) ? featuresTensor(ds, indices) : undefined,
      y: tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, "int32"), numClasses(ds)), "float32")),
      optimizer: makeOptimizer(config)
    })),
    ({ optimizer, x, y }) => {
      const n = indices.length
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
      // The batch losses are read once per epoch, in batch order, so that a GPU backend runs
      // the epoch's steps back to back instead of waiting for each loss to come back.
      const runEpoch = async (): Promise<number> => {
        const order = rng.permutation(n)
        const costs: Array<{ readonly cost: tf.Scalar; readonly size: number }> = []
        try {
          for (let start = 0; start < n; start += config.batchSize) {
            const batch = order.subarray(start, Math.min(n, start + config.batchSize))
            const cost = tf.tidy((): tf.Scalar => {
              const idx = tf.tensor1d(batch, "int32")
              const xb = x === undefined ? featuresTensor(ds, batch.map((i) => indices[i])) : tf.gather(x, idx)
              const yb = tf.gather(y, idx)
              return optimizer.minimize(
                () => {
                  const probs = model.apply(xb, { training: true }) as tf.Tensor
                  const reg = regularizationLosses(model)
                  return reg.length === 0 ? crossEntropy(probs, yb) : tf.addN([crossEntropy(probs, yb), ...reg]) as tf.Scalar
                },
                true,
                vars
              )!
            })
            costs.push({ cost, size: batch.length })
          }
          const values = await Promise.all(costs.map(({ cost }) => cost.data()))
          let total = 0
          values.forEach((v, i) => (total += v[0] * costs[i].size))
          return n === 0 ? 0 : total / n
        } finally {
          for (const { cost } of costs) cost.dispose()
        }
      }
      return Effect.iterate({ epoch: 0, loss: Number.NaN }, {
        while: ({ epoch }) => epoch < config.epochs && n > 0,
        body: ({ epoch }) =>
          Effect.promise(runEpoch).pipe(
            Effect.tap((loss) => onEpoch({ epoch: epoch + 1, epochs: config.epochs, loss })),
            Effect.map((loss) => ({ epoch: epoch + 1, loss }))
          )
      }).pipe(Effect.map(({ loss }) => loss))
    },
    ({ optimizer, x, y }) =>
      Effect.sync(() => {
        optimizer.dispose()
        x?.dispose()
        y.dispose()
      })
  )
