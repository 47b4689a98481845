import { readFile } from "node:fs/promises"
import { join } from "node:path"
import * as tf from "@tensorflow/tfjs-core"
import * as tfl from "@tensorflow/tfjs-layers"
import * as Effect from "effect/Effect"
import { DataError } from "../data/errors.js"

/** A model's topology and weights in tfjs's own format, held in memory. */
export type ModelArtifacts = tf.io.ModelArtifacts

/** The model's artifacts (topology, weight specs, weight bytes) without touching the disk. */
export const modelArtifacts = (model: tfl.LayersModel): Effect.Effect<ModelArtifacts> =>
  Effect.promise(async () => {
    let saved: ModelArtifacts | undefined
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts
        return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: "JSON" } }
      })
    )
    return saved!
  })

/** The weight bytes as one ArrayBuffer. */
const weightBytes = (a: ModelArtifacts): ArrayBuffer => tf.io.CompositeArrayBuffer.join(a.weightData ?? new ArrayBuffer(0))

/** `model.json` and `weights.bin` in the layout `tf.loadLayersModel` reads. */
export const modelFiles = (a: ModelArtifacts): { readonly json: string; readonly weights: Uint8Array } => ({
  json: JSON.stringify({
    format: "layers-model",
    generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
    convertedBy: "deal",
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ["weights.bin"], weights: a.weightSpecs ?? [] }]
  }),
  weights: new Uint8Array(weightBytes(a))
})

const readModelFiles = (dir: string) =>
  Effect.gen(function* () {
    const jsonFile = join(dir, "model.json")
    const binFile = join(dir, "weights.bin")
    const read = (file: string) =>
      Effect.tryPromise({ try: () => readFile(file), catch: (e) => new DataError({ file, message: `cannot read model: ${(e as Error).message}` }) })
    const text = yield* read(jsonFile)
    const manifest = yield* Effect.try({
      try: () => JSON.parse(text.toString("utf8")) as tf.io.ModelJSON,
      catch: () => new DataError({ file: jsonFile, message: "not a tfjs model.json" })
    })
    const bin = yield* read(binFile)
    const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer
    const weightSpecs = manifest.weightsManifest.flatMap((g) => g.weights)
    return { modelTopology: manifest.modelTopology, weightSpecs, weightData } satisfies ModelArtifacts
  })

/** The float32 weights saved in `dir` (model.json + weights.bin), one array per weight, in model order. */
export const readWeights = (dir: string): Effect.Effect<ReadonlyArray<Float32Array>, DataError> =>
  Effect.map(readModelFiles(dir), (a) => {
    let offset = 0
    return a.weightSpecs.map((spec) => {
      const n = spec.shape.reduce((x, y) => x * y, 1)
      const w = new Float32Array(a.weightData.slice(offset, offset + 4 * n))
      offset += 4 * n
      return w
    })
  })

/** Loads a model saved by a run (`RUN_DIR/model`), for predictions after the run. */
export const loadModel = (dir: string): Effect.Effect<tfl.LayersModel, DataError> =>
  Effect.flatMap(readModelFiles(dir), (a) =>
    Effect.tryPromise({
      try: () => tfl.loadLayersModel(tf.io.fromMemory(a)),
      catch: (e) => new DataError({ file: join(dir, "model.json"), message: `cannot load the model: ${(e as Error).message}` })
    })
  )
