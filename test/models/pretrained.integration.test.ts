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
import { deal, lastLine } from "../cli/run-deal.js"
import { numericRows, tempDir, toCsv } from "../data/fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

/** Saves `model` as a tfjs LayersModel folder (model.json + weights.bin) and returns model.json's path. */
const save = async (model: tfl.LayersModel, dir: string): Promise<string> => {
  const { json, weights } = modelFiles(await Effect.runPromise(modelArtifacts(model)))
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, "model.json"), json)
  writeFileSync(join(dir, "weights.bin"), weights)
  return join(dir, "model.json")
}

/** A "pretrained" 3-feature model with 5 outputs: dense 8 (ReLU) → dense 6 (ReLU) → dense 5 (softmax). */
const sequentialModel = () => {
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed })
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [3], units: 8, activation: "relu", kernelInitializer: init(1), name: "body1" }),
      tfl.layers.dense({ units: 6, activation: "relu", kernelInitializer: init(2), name: "body2" }),
      tfl.layers.dense({ units: 5, activation: "softmax", kernelInitializer: init(3), name: "imagenet_head" })
    ]
  })
}

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


describe("deal run --model file:PATH/model.json", () => {
  it("fine-tunes a saved model with BALD when a head dropout is given, refuses BALD without one, and names a missing file", async () => {
    const root = tempDir("deal-pretrained-cli-")
    const file = await save(sequentialModel(), join(root, "model"))
    const csv = join(root, "rows.csv")
    writeFileSync(csv, toCsv(numericRows(60)))
    const base = ["run", "--dataset_name", `csv:${csv}`, "--features", "f1,f2,f3", "--n_init_labeled", "6", "--n_query", "6", "--n_round", "2", "--epochs", "3"]
    const ok = await deal(...base, "--model", `file:${file}`, "--trainable_layers", "2", "--head_dropout", "0.5", "--strategy_name", "bald", "--mc_samples", "4", "--out", join(root, "run"))
    expect(ok.stderr).not.toMatch(/Error/)
    expect(ok.code).toBe(0)
    const refused = await deal(...base, "--model", `file:${file}`, "--strategy_name", "bald", "--out", join(root, "refused"))
    expect(lastLine(refused.stderr)).toBe(
      `deal: SpecError: strategy 'bald' needs MC-dropout samples, and model 'file:${file}' has no dropout layer: give --head_dropout 0.5, or a strategy without MC dropout`
    )
    const missing = await deal(...base, "--model", `file:${join(root, "none", "model.json")}`, "--out", join(root, "missing"))
    expect(missing.code).toBe(1)
    expect(lastLine(missing.stderr)).toMatch(/^deal: SpecError: .*none\/model\.json: cannot read the model: ENOENT/)
  }, 60_000)
})
