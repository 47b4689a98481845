import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import * as tfl from "@tensorflow/tfjs-layers"
import { beforeAll, describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { findStrategy } from "../../src/strategies/catalogue.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("dropquery", () => {
  it("queries among the candidates whose prediction input dropout changes, one per cluster", () => {
    // class 1 needs x₁ + x₂ > 1.5: candidates near (1, 1) flip whenever a feature is dropped, those
    // near (−1, −1) never do
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, activation: "softmax", inputShape: [2] })] })
    model.layers[0].setWeights([tf.tensor2d([[0, 10], [0, 10]]), tf.tensor1d([0, -15])])
    const xs = [[1, 1], [1.1, 1], [1, 1.2], [-1, -1], [-1.2, -1], [-1, -1.1]]
    const features = (positions: ArrayLike<number>) => tf.tensor2d(Array.from(positions, (p) => xs[p]))
    const embeddings = tf.tensor2d(xs) as tf.Tensor2D
    const probabilities = model.predict(embeddings) as tf.Tensor2D
    const candidates = Int32Array.of(20, 21, 22, 23, 24, 25)
    const picked = findStrategy("DropQuery")!.select({ candidates, k: 2, probabilities, embeddings, model: { model, numClasses: 2, features }, rng: RandomStream.make(3) })
    expect(picked).toHaveLength(2)
    for (const c of picked) expect([20, 21, 22]).toContain(c)
    tf.dispose([embeddings, probabilities])
    model.dispose()
  })
})
