import * as tf from "@tensorflow/tfjs-core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { galCnn } from "../../src/models/gal-cnn.js"
import { fitModel } from "../../src/models/train.js"
import { initBackend } from "../../src/runtime/backend.js"
import { RandomStream } from "../../src/runtime/random.js"
import { wasmThreads } from "../../src/runtime/wasm-threads.js"
import { noiseDataset } from "./noise-dataset.js"

/** 96 seeded 28×28 images of 10 classes: enough for three Adam steps of the Gal CNN. */
const images = () => noiseDataset({ n: 96, shape: [28, 28, 1], seed: 7 })

/** Trains the Gal CNN one epoch (batch 32) on `threads` XNNPACK threads; returns every weight. */
const trainOn = async (threads: number): Promise<{ readonly threads: number; readonly weights: Array<Float32Array> }> => {
  await Effect.runPromise(initBackend("wasm", { threads }))
  const ds = images()
  const init = RandomStream.make(1, "init")
  const model = galCnn()({ inputShape: ds.shape, numClasses: 10, seed: () => init.seed() })
  const indices = Int32Array.from(ds.y.keys())
  await Effect.runPromise(fitModel(model, ds, indices, ds.y, { epochs: 1, batchSize: 32, learningRate: 1e-3 }, RandomStream.make(1, "train")))
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array)
  model.dispose()
  return { threads: wasmThreads(), weights }
}

describe("the wasm backend on several threads", () => {
  it("runs XNNPACK on the threads asked for, and trains the Gal CNN to the same weights, bit for bit, as on one", async () => {
    const one = await trainOn(1)
    const two = await trainOn(2)
    expect(one.threads).toBe(1)
    expect(two.threads).toBe(2)
    expect(two.weights.length).toBe(one.weights.length)
    two.weights.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(one.weights[i].buffer))).toBe(true))
    // and training moved them: the comparison is not between two untouched initialisations
    const fresh = RandomStream.make(1, "init")
    const untrained = galCnn()({ inputShape: [28, 28, 1], numClasses: 10, seed: () => fresh.seed() })
    expect(Buffer.from(untrained.getWeights()[0].dataSync().buffer).equals(Buffer.from(one.weights[0].buffer))).toBe(false)
    untrained.dispose()
  })

  it("leaks no tensors across a switch of thread count", async () => {
    await trainOn(2)
    const before = tf.memory().numTensors
    await trainOn(3)
    await trainOn(2)
    expect(tf.memory().numTensors).toBe(before)
  })
})
