import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { dalmaxCifar } from "../../src/models/dalmax-cifar.js"
import { checkModelInput } from "../../src/models/catalogue.js"
import { RandomStream } from "../../src/runtime/random.js"
import { lastLine, runDeal } from "../cli/run-deal.js"
import { makeImageFolder, tempDir } from "../data/fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("dalmax-cifar: DeepAL's CIFAR net as DalMax trains it", () => {
  it("has DeepAL's layers: 32×32×3 → 28 → 24 → 12 → 8 → 4 (×64 = 1,024) → 50 → C, with its 131,088 parameters for 10 classes", () => {
    const r = RandomStream.make(1)
    const model = dalmaxCifar()({ inputShape: [32, 32, 3], numClasses: 10, seed: () => r.seed() })
    expect(model.layers.map((l) => l.outputShape)).toEqual([
      [null, 32, 32, 3],
      [null, 28, 28, 32],
      [null, 24, 24, 32],
      [null, 12, 12, 32],
      [null, 8, 8, 64],
      [null, 4, 4, 64],
      [null, 1024],
      [null, 50],
      [null, 50],
      [null, 10]
    ])
    // PyTorch's CIFAR10_Net: conv1 3·32·25 + 32, conv2 32·32·25 + 32, conv3 32·64·25 + 64, fc1 1024·50 + 50, fc2 50·10 + 10
    expect(model.countParams()).toBe(2432 + 25632 + 51264 + 51250 + 510)
    model.dispose()
  })

  it("standardises with CIFAR's per-channel mean and std inside the model", () => {
    const r = RandomStream.make(1)
    const model = dalmaxCifar()({ inputShape: [32, 32, 3], numClasses: 10, seed: () => r.seed() })
    const out = tf.tidy(() => Array.from((model.layers[0].apply(tf.fill([1, 1, 1, 3], 0.5)) as tf.Tensor).dataSync()))
    expect(out[0]).toBeCloseTo((0.5 - 0.4914) / 0.247, 5)
    expect(out[2]).toBeCloseTo((0.5 - 0.4465) / 0.2616, 5)
    model.dispose()
  })

  it("refuses images too small for its convolutions, naming the size it needs", () => {
    expect(checkModelInput("dalmax-cifar", [20, 20, 3])).toBeUndefined()
    expect(checkModelInput("dalmax-cifar", [19, 19, 3])).toBe(
      "model 'dalmax-cifar' needs images of at least 20×20 (three 5×5 convolutions and two 2×2 poolings), got 19×19: expected --img_size 32"
    )
  })
})
