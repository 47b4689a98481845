import * as tf from "@tensorflow/tfjs-core"
import { Effect } from "effect"
import { loadMnist } from "../src/data/mnist.js"
import { subsample } from "../src/data/split.js"
import { galCnn } from "../src/models/gal-cnn.js"
import { fitModel } from "../src/models/train.js"
import { initBackend, type BackendName } from "../src/runtime/backend.js"
import { RandomStream } from "../src/runtime/random.js"
import { epochTimer } from "./epoch-timer.js"

/**
 * One training epoch of the Gal et al. (2017) CNN on 512 MNIST images, batch 64, on each
 * backend: the wasm backend with deal's conv-gradient kernels against the pure-JS cpu backend.
 * wasm runs 3 epochs and reports the fastest after the first (warm-up); cpu, about 200× slower,
 * runs one epoch (its warm-up is negligible), or with `quick` one batch of 64 scaled by 8.
 */
export const benchGalCnnEpoch = (quick = false) =>
  Effect.gen(function* () {
    const mnist = yield* loadMnist()
    const train = subsample(mnist.train, 512, RandomStream.make(1, "bench"))
    const indices = Int32Array.from({ length: 512 }, (_, i) => i)
    const rows: Array<{ backend: string; images_timed: number; first_epoch_s: number; epoch_s: number }> = []
    for (const backend of ["wasm", "cpu"] as const satisfies ReadonlyArray<BackendName>) {
      yield* initBackend(backend)
      const epochs = backend === "wasm" ? 3 : 1
      const images = backend === "cpu" && quick ? 64 : 512
      const init = RandomStream.make(1, "init")
      const model = galCnn()({ inputShape: train.shape, numClasses: 10, seed: () => init.seed() })
      const timer = epochTimer()
      const times = timer.seconds
      const used = indices.subarray(0, images)
      yield* fitModel(model, train, used, train.y.subarray(0, images), { epochs, batchSize: 64, learningRate: 1e-3 }, RandomStream.make(1, "train"), timer.onEpoch)
      model.dispose()
      const scale = 512 / images
      rows.push({
        backend: tf.getBackend(),
        images_timed: images,
        first_epoch_s: times[0] * scale,
        epoch_s: (epochs > 1 ? timer.bestAfterFirst() : times[0]) * scale
      })
    }
    return rows
  })
