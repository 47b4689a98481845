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
 *
 * `kernelSize` and `poolSize` default to the paper's 4 and 2; the authors' Keras scripts use 3 and
 * 5 (docs/references.md §1.4), which `galCnnKeras` builds.
 */
export const galCnn =
  (options: { readonly weightDecay?: number; readonly kernelSize?: number; readonly poolSize?: number } = {}): ModelFactory =>
  ({ inputShape, numClasses, seed, trainingSize }) => {
    const init = () => tfl.initializers.glorotUniform({ seed: seed() })
    const kernelSize = options.kernelSize ?? 4
    const model = tfl.sequential()
    model.add(
      tfl.layers.conv2d({ inputShape: [...inputShape], filters: 32, kernelSize, activation: "relu", kernelInitializer: init() })
    )
    model.add(tfl.layers.conv2d({ filters: 32, kernelSize, activation: "relu", kernelInitializer: init() }))
    model.add(tfl.layers.maxPooling2d({ poolSize: options.poolSize ?? 2 }))
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

/**
 * The CNN of Gal et al.'s Keras scripts (`MC_Dropout_Keras/*_Q10_N1000_Paper.py`, docs/references.md
 * §1.4) where they differ from the paper's text: 3×3 kernels and 5×5 max-pooling (a 4×4×32 = 512
 * feature map into the dense layer instead of 11×11×32 = 3,872); dense 128 as in their Var Ratios,
 * Max Entropy, Mean STD and Random scripts.
 */
export const galCnnKeras = (options: { readonly weightDecay?: number } = {}): ModelFactory =>
  galCnn({ ...options, kernelSize: 3, poolSize: 5 })
