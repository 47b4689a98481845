import * as tfl from "@tensorflow/tfjs-layers"
import type { ModelFactory } from "./model-factory.js"
import { SeededDropout } from "./seeded-dropout.js"

/** A multilayer perceptron: flatten → dense(h, ReLU) → dropout → dense(C, softmax). */
export const mlp =
  (options: { readonly hidden?: number; readonly dropout?: number } = {}): ModelFactory =>
  ({ inputShape, numClasses, seed }) => {
    const hidden = options.hidden ?? 128
    const model = tfl.sequential()
    // Flat features (tabular, TF-IDF) need no flatten layer (tfjs's needs rank ≥ 3 inputs).
    const flat = inputShape.length === 1
    if (!flat) model.add(tfl.layers.flatten({ inputShape: [...inputShape] }))
    model.add(
      tfl.layers.dense({
        ...(flat ? { inputShape: [...inputShape] } : {}),
        units: hidden,
        activation: "relu",
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed() })
      })
    )
    model.add(new SeededDropout({ rate: options.dropout ?? 0.5, seed: seed() }))
    model.add(
      tfl.layers.dense({
        units: numClasses,
        activation: "softmax",
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed() })
      })
    )
    return model
  }
