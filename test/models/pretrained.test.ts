import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import * as tfl from "@tensorflow/tfjs-layers"
import { Effect } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import type { Dataset } from "../../src/data/dataset.js"
import { fitModel } from "../../src/models/train.js"
import { fineTuneFactory, loadPretrainedModel } from "../../src/models/pretrained.js"
import { SeededDropout } from "../../src/models/seeded-dropout.js"
import { modelArtifacts, modelFiles } from "../../src/models/weights.js"
import { RandomStream } from "../../src/runtime/random.js"
import { save, sequentialModel } from "./saved-model.js"
import { deal, lastLine } from "../cli/run-deal.js"
import { numericRows, tempDir, toCsv } from "../data/fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

/** The same as a functional model with a skip connection (body1 feeds the head through an add). */
const functionalModel = () => {
  const input = tfl.input({ shape: [3], name: "pixels" })
  const h1 = tfl.layers.dense({ units: 6, activation: "relu", name: "body1", kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }).apply(input) as tfl.SymbolicTensor
  const h2 = tfl.layers.dense({ units: 6, activation: "relu", name: "body2", kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) }).apply(h1) as tfl.SymbolicTensor
  const sum = tfl.layers.add({ name: "skip" }).apply([h1, h2]) as tfl.SymbolicTensor
  const out = tfl.layers.dense({ units: 5, activation: "softmax", name: "imagenet_head" }).apply(sum) as tfl.SymbolicTensor
  return tfl.model({ inputs: input, outputs: out })
}

const weightsOf = (model: tfl.LayersModel, name: string) => model.getLayer(name).getWeights().map((w) => Array.from(w.dataSync()))
const seeds = () => {
  const r = RandomStream.make(7, "init")
  return () => r.seed()
}
const tiny = (n: number): Dataset => ({
  name: "tiny",
  x: Float32Array.from({ length: n * 3 }, (_, i) => ((i * 37) % 11) / 11 + (Math.floor(i / 3) % 3 === i % 3 ? 1 : 0)),
  shape: [3],
  y: Int32Array.from({ length: n }, (_, i) => i % 3),
  classNames: ["a", "b", "c"]
})

describe("fine-tuning a user's tfjs model (--model file:PATH/model.json)", () => {
  let root: string
  let sequentialFile: string
  let functionalFile: string
  beforeAll(async () => {
    root = tempDir("deal-pretrained-")
    sequentialFile = await save(sequentialModel(), join(root, "sequential"))
    functionalFile = await save(functionalModel(), join(root, "functional"))
  })

  for (const kind of ["sequential", "functional"] as const) {
    it(`${kind}: starts every round from the pretrained weights, with a fresh ${3}-class head for a 5-output model`, async () => {
      const template = await Effect.runPromise(loadPretrainedModel(kind === "sequential" ? sequentialFile : functionalFile))
      const make = fineTuneFactory(template, {})
      const [a, b] = [make({ inputShape: [3], numClasses: 3, seed: seeds() }), make({ inputShape: [3], numClasses: 3, seed: seeds() })]
      for (const m of [a, b]) {
        expect(weightsOf(m, "body1")).toEqual(weightsOf(template, "body1"))
        expect(weightsOf(m, "body2")).toEqual(weightsOf(template, "body2"))
        expect(m.outputs[0].shape).toEqual([null, 3])
      }
      // the new head is seeded: the same seeds give the same head
      expect(weightsOf(a, "deal_head")).toEqual(weightsOf(b, "deal_head"))
      const p = tf.tidy(() => Array.from((a.predict(tf.tensor2d([[1, 0, 0.5]])) as tf.Tensor).dataSync()))
      expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5)
      a.dispose()
      b.dispose()
    })
  }

  it("keeps a head that already has one output per class, and puts a dropout layer before it with head_dropout", async () => {
    const template = await Effect.runPromise(loadPretrainedModel(sequentialFile))
    const m = fineTuneFactory(template, { headDropout: 0.4 })({ inputShape: [3], numClasses: 5, seed: seeds() })
    expect(m.layers.map((l) => l.name)).toEqual(["body1", "body2", "deal_head_dropout", "imagenet_head"])
    expect((m.layers[2] as SeededDropout).rate).toBe(0.4)
    expect(weightsOf(m, "imagenet_head")).toEqual(weightsOf(template, "imagenet_head"))
    m.dispose()
  })

  it("trains only the last k layers with weights: training leaves the frozen ones exactly as pretrained", async () => {
    const template = await Effect.runPromise(loadPretrainedModel(functionalFile))
    const m = fineTuneFactory(template, { trainableLayers: 1 })({ inputShape: [3], numClasses: 3, seed: seeds() })
    const ds = tiny(30)
    const head = weightsOf(m, "deal_head")
    await Effect.runPromise(fitModel(m, ds, Int32Array.from({ length: 30 }, (_, i) => i), ds.y, { epochs: 3, batchSize: 8, learningRate: 0.05 }, RandomStream.make(1, "train")))
    expect(weightsOf(m, "body1")).toEqual(weightsOf(template, "body1"))
    expect(weightsOf(m, "body2")).toEqual(weightsOf(template, "body2"))
    expect(weightsOf(m, "deal_head")).not.toEqual(head)
    m.dispose()
  })

  it("leaves no tensor behind over rounds of build, train and dispose", async () => {
    const template = await Effect.runPromise(loadPretrainedModel(functionalFile))
    const round = async () => {
      const m = fineTuneFactory(template, { headDropout: 0.5 })({ inputShape: [3], numClasses: 3, seed: seeds() })
      const ds = tiny(16)
      await Effect.runPromise(fitModel(m, ds, Int32Array.from({ length: 16 }, (_, i) => i), ds.y, { epochs: 1, batchSize: 8, learningRate: 0.01 }, RandomStream.make(1, "train")))
      m.dispose()
    }
    await round()
    const before = tf.memory().numTensors
    for (let i = 0; i < 3; i++) await round()
    expect(tf.memory().numTensors).toBe(before)
  })
})
