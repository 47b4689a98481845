/**
 * A user's pretrained tfjs LayersModel (`--model file:PATH/model.json`, e.g. a MobileNet converted
 * with tensorflowjs_converter), fine-tuned each round. Every round starts again from the
 * pretrained weights (as MDALTH does; `--warm_start` keeps the previous round's instead). The
 * model's output layer is its head: kept when it already has one output per class (with a
 * softmax), replaced by a fresh seeded dense(C, softmax) layer otherwise. `headDropout` p puts a
 * dropout layer before the head (so MC-dropout strategies apply); `trainableLayers` k trains only
 * the last k layers that have weights (the head included), the others stay frozen.
 */
import { readFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import * as tf from "@tensorflow/tfjs-core"
import * as tfl from "@tensorflow/tfjs-layers"
import * as Effect from "effect/Effect"
import { DataError } from "../data/errors.js"
import { dropoutRate, headIndex } from "./forward.js"
import type { ModelFactory } from "./model-factory.js"

export interface FineTuneOptions {
  /** Train only the last k layers with weights (default: all). */
  readonly trainableLayers?: number
  /** A dropout layer of this rate before the head (default: none). */
  readonly headDropout?: number
}

type Config = tf.serialization.ConfigDict
type LayerConfig = { className: string; name?: string; config: Config; inboundNodes?: unknown }

/** Loads `file` (a tfjs `model.json`) and its weight shards, as a LayersModel. */
export const loadPretrainedModel = (file: string): Effect.Effect<tfl.LayersModel, DataError> =>
  Effect.gen(function* () {
    const fail = (message: string) => new DataError({ file, message })
    const text = yield* Effect.tryPromise({ try: () => readFile(file, "utf8"), catch: (e) => fail(`cannot read the model: ${(e as Error).message}`) })
    const json = yield* Effect.try({ try: () => JSON.parse(text) as tf.io.ModelJSON, catch: () => fail("not JSON: expected a tfjs LayersModel model.json") })
    if (json.modelTopology === undefined || !Array.isArray(json.weightsManifest)) {
      return yield* fail("expected a tfjs LayersModel model.json (with modelTopology and weightsManifest); a graph model cannot be fine-tuned")
    }
    const paths = json.weightsManifest.flatMap((group) => group.paths.map((p) => join(dirname(file), p)))
    const shards = yield* Effect.forEach(paths, (p) =>
      Effect.tryPromise({ try: () => readFile(p), catch: (e) => new DataError({ file: p, message: `cannot read a weight file the model lists: ${(e as Error).message}` }) })
    )
    const weightData = tf.io.concatenateArrayBuffers(shards.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer))
    return yield* Effect.tryPromise({
      try: () =>
        tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData })),
      catch: (e) => fail(`cannot load the model: ${String((e as Error).message).split("\n")[0]}`)
    })
  })

/** The output layer: the last layer that is not only an activation. */
const headOf = (model: tfl.LayersModel): tfl.layers.Layer => model.layers[headIndex(model.layers)]

/** Whether the model (or `options`) gives it a dropout layer, as MC-dropout strategies need. */
export const fineTunedHasDropout = (template: tfl.LayersModel, options: FineTuneOptions): boolean =>
  (options.headDropout ?? 0) > 0 || template.layers.some((l) => dropoutRate(l) !== undefined)

/** The example shape the model takes ([h, w, c] for images), without the batch axis. */
export const pretrainedInputShape = (template: tfl.LayersModel): ReadonlyArray<number | null> => template.inputs[0].shape.slice(1)

const units = (layer: tfl.layers.Layer): number | undefined => {
  const shape = layer.outputShape
  const last = Array.isArray(shape[0]) ? undefined : (shape as Array<number | null>).at(-1)
  return last ?? undefined
}

/**
 * The template's config with the head replaced (unless it already has `numClasses` outputs) and
 * a dropout layer before it: Sequential configs are a list, functional ones a graph whose new
 * layers take the old head's input.
 */
const rewrite = (template: tfl.LayersModel, numClasses: number, seed: () => number, options: FineTuneOptions): { config: Config; keepHead: boolean } => {
  const config = structuredClone(template.getConfig()) as Config & { layers: Array<LayerConfig>; outputLayers?: Array<[string, number, number]> }
  const head = headOf(template)
  const keepHead = units(head) === numClasses && head.getClassName() === "Dense"
  const dropout = (options.headDropout ?? 0) > 0 ? { className: "SeededDropout", config: { name: "deal_head_dropout", rate: options.headDropout!, seed: seed() } } : undefined
  const headIndex = config.layers.findIndex((l) => (l.name ?? (l.config["name"] as string)) === head.name)
  const oldHead = config.layers[headIndex]
  const newHead: LayerConfig = keepHead
    ? { ...oldHead, config: { ...oldHead.config, activation: oldHead.config["activation"] === "linear" ? "softmax" : oldHead.config["activation"] } }
    : {
        className: "Dense",
        config: { name: "deal_head", units: numClasses, activation: "softmax", kernelInitializer: { className: "GlorotUniform", config: { seed: seed() } } }
      }
  const added = [...(dropout ? [dropout] : []), newHead] as Array<LayerConfig>
  if (template instanceof tfl.Sequential) {
    config.layers.splice(headIndex, 1, ...added)
    return { config, keepHead }
  }
  // functional: chain the new layers from the old head's input, and make the last one the output
  let input = oldHead.inboundNodes as unknown
  const chained = added.map((l) => {
    const name = (l.config["name"] as string) ?? `deal_${l.className}`
    const node: LayerConfig = { ...l, name, inboundNodes: input }
    input = [[[name, 0, 0, {}]]]
    return node
  })
  config.layers.splice(headIndex, 1, ...chained)
  const outName = chained.at(-1)!.name!
  config.outputLayers = (config.outputLayers ?? []).map((o) => (o[0] === head.name ? [outName, 0, 0] : o))
  return { config, keepHead }
}

/** A factory of fine-tunable copies of `template`, each with the pretrained weights (see the module comment). */
export const fineTuneFactory =
  (template: tfl.LayersModel, options: FineTuneOptions = {}): ModelFactory =>
  ({ numClasses, seed }) => {
    const { config, keepHead } = rewrite(template, numClasses, seed, options)
    const cls = (template instanceof tfl.Sequential ? tfl.Sequential : tfl.LayersModel) as unknown as { fromConfig: (cls: unknown, c: Config) => tfl.LayersModel }
    const model = cls.fromConfig(cls, config)
    const head = headOf(template)
    for (const layer of model.layers) {
      const source = template.layers.find((l) => l.name === layer.name)
      if (source === undefined || (source === head && !keepHead)) continue
      layer.setWeights(source.getWeights())
    }
    const withWeights = model.layers.filter((l) => l.weights.length > 0)
    const k = options.trainableLayers ?? withWeights.length
    withWeights.forEach((l, i) => (l.trainable = i >= withWeights.length - k))
    return model
  }
