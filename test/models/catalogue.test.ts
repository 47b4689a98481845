import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { checkModelInput, modelCatalogue, modelNames } from "../../src/models/catalogue.js"
import { RandomStream } from "../../src/runtime/random.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

/**
 * Whether a model built for `shape` tells two inputs apart: finite predictions that differ. A model
 * whose convolutions and pooling leave an empty feature map predicts the same for every input (or NaN).
 */
const informative = (name: string, shape: ReadonlyArray<number>): boolean => {
  const r = RandomStream.make(3)
  let model
  try {
    model = modelCatalogue[name].make({ vocabularySize: 50 })({ inputShape: shape, numClasses: 3, seed: () => r.seed(), trainingSize: 10 })
  } catch {
    return false
  }
  const out = tf.tidy(() => {
    const size = shape.reduce((a, b) => a * b, 1)
    const x = tf.tensor(Float32Array.from({ length: 2 * size }, (_, i) => (i < size ? (i * 7) % 11 : (i * 3) % 13) + 2), [2, ...shape])
    return Array.from((model.predict(x) as tf.Tensor).dataSync())
  })
  model.dispose()
  return out.every(Number.isFinite) && out.slice(0, 3).some((p, k) => Math.abs(p - out[3 + k]) > 1e-7)
}

describe("checkModelInput: a model says which input shapes it can take", () => {
  const smallest: Record<string, ReadonlyArray<number>> = {
    "gal-cnn": [8, 8, 1],
    "gal-cnn-keras": [9, 9, 1],
    "dalmax-cifar": [20, 20, 3],
    "text-cnn": [5],
    "embedding-bag": [1],
    mlp: [1],
    logreg: [1],
    linear: [1]
  }

  it("every catalogue model is covered", () => {
    expect(Object.keys(smallest).sort()).toEqual([...modelNames].sort())
  })

  it.each(Object.entries(smallest))("%s: the smallest shape it accepts works, one less is refused (and would predict garbage)", (name, shape) => {
    const less = shape.map((d, i) => (i < 2 ? d - 1 : d))
    expect(checkModelInput(name, shape)).toBeUndefined()
    expect(informative(name, shape)).toBe(true)
    expect(checkModelInput(name, less)).toBeDefined()
    expect(informative(name, less)).toBe(false)
  })

  it("names the model, the shape and what it needs, in one line", () => {
    expect(checkModelInput("gal-cnn", [2, 2, 1])).toBe(
      "model 'gal-cnn' needs images of at least 8×8 (two 4×4 convolutions, then 2×2 pooling), got 2×2: expected --img_size 8 or more"
    )
    expect(checkModelInput("gal-cnn-keras", [28, 8, 3])).toBe(
      "model 'gal-cnn-keras' needs images of at least 9×9 (two 3×3 convolutions, then 5×5 pooling), got 28×8: expected --img_size 9 or more"
    )
    expect(checkModelInput("text-cnn", [3])).toBe(
      "model 'text-cnn' needs sequences of at least 5 tokens (its convolution is 5 wide), got 3: expected --max_tokens 5 or more"
    )
    expect(checkModelInput("logreg", [0])).toBe("model 'logreg' needs at least one feature in every dimension, got [0]")
    expect(checkModelInput("gal-cnn", [28, 28, 1])).toBeUndefined()
    expect(checkModelInput("my-own-model", [1])).toBeUndefined()
  })
})
