import * as tf from "@tensorflow/tfjs-core"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { numClasses } from "../data/dataset.js"
import type { ModelFactory } from "../models/model-factory.js"
import { reseedDropout } from "../models/seeded-dropout.js"
import { type TrainConfig, fitModel } from "../models/train.js"
import { acquireDisposable } from "../runtime/tensors.js"
import { Rng } from "../runtime/rng.js"
import { Progress } from "../runtime/progress.js"
import { Trainer } from "./stages.js"

export interface ModelTrainerOptions extends TrainConfig {
  /**
   * Start each round from the previous round's weights instead of a fresh seeded
   * initialisation (the default, as in Gal et al. 2017).
   */
  readonly warmStart?: boolean
  /** Weights to warm-start the first round from (a resumed run's last model). */
  readonly initialWeights?: ReadonlyArray<Float32Array>
}

/**
 * The default `train` stage: builds the model with `factory` (seeded from
 * `round r / init`), and fits it with deal's seeded minibatch loop (`round r / train`).
 */
export const modelTrainer = (factory: ModelFactory, options: ModelTrainerOptions): Layer.Layer<Trainer, never, Rng | Progress> =>
  Layer.effect(
    Trainer,
    Effect.gen(function* () {
      const rng = yield* Rng
      const progress = yield* Progress
      let previous: ReadonlyArray<Float32Array> | undefined = options.initialWeights
      return {
        train: ({ round, data, labeled: { indices, labels } }) =>
          Effect.gen(function* () {
            const init = rng.stream("round", round, "init")
            const model = yield* acquireDisposable(() =>
              factory({ inputShape: data.shape, numClasses: numClasses(data), seed: () => init.seed(), trainingSize: indices.length })
            )
            if (options.warmStart && previous !== undefined) {
              const weights = model.getWeights()
              tf.tidy(() => model.setWeights(previous!.map((w, i) => tf.tensor(w, weights[i].shape))))
            }
            reseedDropout(model, rng.stream("round", round, "dropout").seed())
            const loss = yield* fitModel(model, data, indices, labels, options, rng.stream("round", round, "train"), (r) =>
              progress.update(`round ${round} train epoch`, r.epoch, r.epochs)
            )
            if (options.warmStart) previous = model.getWeights().map((w) => Float32Array.from(w.dataSync()))
            return { model, loss }
          })
      }
    })
  )
