import * as tf from "@tensorflow/tfjs-core"
import { Effect } from "effect"
import { loadMnist } from "../src/data/mnist.js"
import { subsample } from "../src/data/split.js"
import { galCnn } from "../src/models/gal-cnn.js"
import { fitModel } from "../src/models/train.js"
import { initBackend, type BackendName } from "../src/runtime/backend.js"
import { RandomStream } from "../src/runtime/random.js"

/**
 * One training epoch of the Gal et al. (2017) CNN on 512 MNIST images, batch 64, on each
 * backend: the wasm backend with deal's conv-gradient kernels against the pure-JS cpu backend.
 */
export const benchGalCnnEpoch = (backends: ReadonlyArray<BackendName> = ["wasm", "cpu"], epochs = 2) =>
  Effect.gen(function* () {
    const mnist = yield* loadMnist()
    const train = subsample(mnist.train, 512, RandomStream.make(1, "bench"))
    const indices = Int32Array.from({ length: 512 }, (_, i) => i)
    const rows: Array<{ backend: string; first_epoch_s: number; epoch_s: number }> = []
    for (const backend of backends) {
      yield* initBackend(backend)
      const init = RandomStream.make(1, "init")
      const model = galCnn()({ inputShape: train.shape, numClasses: 10, seed: () => init.seed() })
      const times: Array<number> = []
      let last = performance.now()
      yield* fitModel(model, train, indices, train.y, { epochs, batchSize: 64, learningRate: 1e-3 }, RandomStream.make(1, "train"), () =>
        Effect.sync(() => {
          const now = performance.now()
          times.push((now - last) / 1000)
          last = now
        })
      )
      model.dispose()
      rows.push({ backend: tf.getBackend(), first_epoch_s: times[0], epoch_s: Math.min(...times.slice(1)) })
    }
    return rows
  })
