import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { Effect } from "effect"
import { afterEach, beforeAll, describe, expect, it } from "vitest"
import { mlp } from "../../src/models/mlp.js"
import { fitModel } from "../../src/models/train.js"
import { forwardBatchSize, tensorByteLimit } from "../../src/runtime/batch-size.js"
import { RandomStream } from "../../src/runtime/random.js"
import { noiseDataset } from "./noise-dataset.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

/** Gives the cpu backend a device with a storage-binding limit, as webgpu's adapter has. */
const limitBuffers = (bytes: number | undefined) => {
  const backend = tf.backend() as { device?: unknown }
  if (bytes === undefined) delete backend.device
  else backend.device = { limits: { maxStorageBufferBindingSize: bytes } }
}
afterEach(() => limitBuffers(undefined))

const data = noiseDataset({ n: 40, shape: [4, 4, 1], classes: 3, seed: 4 })

const train = async (): Promise<Array<Buffer>> => {
  const r = RandomStream.make(2)
  const model = mlp({ hidden: 8 })({ inputShape: data.shape, numClasses: 3, seed: () => r.seed() })
  const labeled = Int32Array.from({ length: 30 }, (_, i) => i + 5)
  await Effect.runPromise(fitModel(model, data, labeled, data.y.subarray(5, 35), { epochs: 2, batchSize: 8, learningRate: 1e-2 }, RandomStream.make(2, "train")))
  const weights = model.getWeights().map((w) => Buffer.from((w.dataSync() as Float32Array).buffer))
  model.dispose()
  return weights
}

describe("sizes for the device", () => {
  it("reads the backend's buffer limit, and a CPU backend has none; forward batches are 500 on a CPU", () => {
    expect(tensorByteLimit()).toBeUndefined()
    limitBuffers(1000)
    expect(tensorByteLimit()).toBe(1000)
    const r = RandomStream.make(1)
    const model = mlp({ hidden: 8 })({ inputShape: data.shape, numClasses: 3, seed: () => r.seed() })
    expect(forwardBatchSize(model)).toBe(500)
    model.dispose()
  })

  it("trains a labelled set too big for one device buffer batch by batch, to the same weights", async () => {
    const resident = await train()
    limitBuffers(30 * 16 * 4 - 1) // one float short of the labelled set
    const before = tf.memory().numTensors
    const uploaded = await train()
    expect(tf.memory().numTensors).toBe(before)
    uploaded.forEach((w, i) => expect(w.equals(resident[i])).toBe(true))
  })
})
