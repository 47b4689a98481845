import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import * as tfl from "@tensorflow/tfjs-layers"
import { Effect } from "effect"
import { modelArtifacts, modelFiles } from "../../src/models/weights.js"

/** Saves `model` as a tfjs LayersModel folder (model.json + weights.bin) and returns model.json's path. */
export const save = async (model: tfl.LayersModel, dir: string): Promise<string> => {
  const { json, weights } = modelFiles(await Effect.runPromise(modelArtifacts(model)))
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, "model.json"), json)
  writeFileSync(join(dir, "weights.bin"), weights)
  return join(dir, "model.json")
}

/** A "pretrained" 3-feature model with 5 outputs: dense 8 (ReLU) → dense 6 (ReLU) → dense 5 (softmax). */
export const sequentialModel = () => {
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed })
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [3], units: 8, activation: "relu", kernelInitializer: init(1), name: "body1" }),
      tfl.layers.dense({ units: 6, activation: "relu", kernelInitializer: init(2), name: "body2" }),
      tfl.layers.dense({ units: 5, activation: "softmax", kernelInitializer: init(3), name: "imagenet_head" })
    ]
  })
}
