import * as tfl from "@tensorflow/tfjs-layers"
import type { ModelFactory } from "./model-factory.js"
import { SeededDropout } from "./seeded-dropout.js"
import { Standardize } from "./standardize.js"

/** CIFAR-10's per-channel mean and standard deviation, as DeepAL and DalMax normalise with. */
export const cifarMean = [0.4914, 0.4822, 0.4465] as const
export const cifarStd = [0.247, 0.2435, 0.2616] as const

/**
 * DeepAL's CIFAR network, as DalMax trains it on CIFAR-10 (`core/cifar10_model.py`,
 * `CIFAR10Model`): standardise with CIFAR's mean and std → conv 32@5×5 → ReLU → conv 32@5×5 →
 * max-pool 2 → ReLU → conv 64@5×5 → max-pool 2 → ReLU → flatten (1,024 for 32×32) → dense 50 →
 * ReLU (the embedding) → dropout 0.5 → dense C → softmax. (ReLU and max-pooling commute, so
 * pooling first is the same function.) Their training: SGD, lr 0.05, momentum 0.3, batch 64,
 * 20 epochs, a fresh model every round.
 */
export const dalmaxCifar = (): ModelFactory => ({ inputShape, numClasses, seed }) => {
  const init = () => tfl.initializers.glorotUniform({ seed: seed() })
  const conv = (filters: number) => tfl.layers.conv2d({ filters, kernelSize: 5, activation: "relu", kernelInitializer: init() })
  const channels = inputShape[2] ?? 3
  const model = tfl.sequential()
  model.add(
    new Standardize({
      inputShape: [...inputShape],
      // grey images: the mean of the three channels' statistics
      mean: channels === 3 ? [...cifarMean] : [cifarMean.reduce((a: number, b: number) => a + b, 0) / 3],
      std: channels === 3 ? [...cifarStd] : [cifarStd.reduce((a: number, b: number) => a + b, 0) / 3]
    })
  )
  model.add(conv(32))
  model.add(conv(32))
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }))
  model.add(conv(64))
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }))
  model.add(tfl.layers.flatten())
  model.add(tfl.layers.dense({ units: 50, activation: "relu", kernelInitializer: init() }))
  model.add(new SeededDropout({ rate: 0.5, seed: seed() }))
  model.add(tfl.layers.dense({ units: numClasses, activation: "softmax", kernelInitializer: init() }))
  return model
}
