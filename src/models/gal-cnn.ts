import * as tfl from "@tensorflow/tfjs-layers"
import type { ModelFactory } from "./model-factory.js"
import { SeededDropout } from "./seeded-dropout.js"

/**
 * The MNIST CNN of Gal, Islam & Ghahramani (2017), "Deep Bayesian Active Learning with Image
 * Data", as the paper states it: conv 32@4×4 → ReLU → conv 32@4×4 → ReLU → max-pool 2×2 →
 * dropout 0.25 → dense 128 → ReLU → dropout 0.5 → dense C → softmax.
 * `weightDecay` = c adds the authors' L2 penalty (c / N_train)·Σw² to the first dense layer, with
 * N_train the labelled examples of the round (their Keras code: `W_regularizer=l2(c / N_train)`,
 * c = 3.5, recomputed every round).
 */
export const galCnn =
  (options: { readonly weightDecay?: number } = {}): ModelFactory =>
  ({ inputShape, numClasses, seed, trainingSize }) => {
    const init = () => tfl.initializers.glorotUniform({ seed: seed() })
    const model = tfl.sequential()
    model.add(
      tfl.layers.conv2d({ inputShape: [...inputShape], filters: 32, kernelSize: 4, activation: "relu", kernelInitializer: init() })
    )
    model.add(tfl.layers.conv2d({ filters: 32, kernelSize: 4, activation: "relu", kernelInitializer: init() }))
    model.add(tfl.layers.maxPooling2d({ poolSize: 2 }))
    model.add(new SeededDropout({ rate: 0.25, seed: seed() }))
    model.add(tfl.layers.flatten())
    model.add(
      tfl.layers.dense({
        units: 128,
        activation: "relu",
        kernelInitializer: init(),
        ...(options.weightDecay ? { kernelRegularizer: tfl.regularizers.l2({ l2: options.weightDecay / Math.max(1, trainingSize ?? 1) }) } : {})
      })
    )
    model.add(new SeededDropout({ rate: 0.5, seed: seed() }))
    model.add(tfl.layers.dense({ units: numClasses, activation: "softmax", kernelInitializer: init() }))
    return model
  }
