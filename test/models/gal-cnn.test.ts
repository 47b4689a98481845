import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { modelCatalogue } from "../../src/models/catalogue.js"
import { regularizationLosses } from "../../src/models/train.js"
import { RandomStream } from "../../src/runtime/random.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

const build = (weightDecay: number | undefined, trainingSize: number, name = "gal-cnn") => {
  const r = RandomStream.make(1)
  return modelCatalogue[name].make(weightDecay === undefined ? {} : { weightDecay })({
    inputShape: [28, 28, 1],
    numClasses: 10,
    seed: () => r.seed(),
    trainingSize
  })
}

describe("the Gal et al. (2017) CNN", () => {
  it("has the paper's layers: conv 32@4×4, conv 32@4×4, pool 2, dense 128, dense 10", () => {
    const model = build(undefined, 20)
    expect(model.outputs[0].shape).toEqual([null, 10])
    // 4·4·1·32+32 + 4·4·32·32+32 + (11·11·32)·128+128 + 128·10+10
    expect(model.countParams()).toBe(544 + 16_416 + 495_744 + 1_290)
    expect(model.layers.map((l) => l.getClassName())).toEqual([
      "Conv2D", "Conv2D", "MaxPooling2D", "SeededDropout", "Flatten", "Dense", "SeededDropout", "Dense"
    ])
    model.dispose()
  })

  it("gal-cnn-keras has the authors' scripts' layers: conv 32@3×3, conv 32@3×3, pool 5, dense 128, dense 10", () => {
    const model = build(3.5, 20, "gal-cnn-keras")
    // 3·3·1·32+32 + 3·3·32·32+32 + (4·4·32)·128+128 + 128·10+10: 28 → 26 → 24 → ⌊24/5⌋ = 4
    expect(model.countParams()).toBe(320 + 9_248 + 65_664 + 1_290)
    expect(model.layers[2].outputShape).toEqual([null, 4, 4, 32])
    expect(regularizationLosses(model)).toHaveLength(1)
    model.dispose()
  })

  it("weight decay c puts (c / N_train)·Σw² on the first dense layer only", () => {
    const model = build(3.5, 35)
    const [penalty] = regularizationLosses(model)
    const kernel = model.layers[5].getWeights()[0]
    expect(penalty.dataSync()[0]).toBeCloseTo((3.5 / 35) * tf.sum(tf.square(kernel)).dataSync()[0], 4)
    expect(regularizationLosses(model)).toHaveLength(1)
    expect(regularizationLosses(build(undefined, 35))).toHaveLength(0)
    model.dispose()
  })
})
