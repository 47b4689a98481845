/**
 * Pretrained backbones through transformers.js (`@huggingface/transformers`, ONNX models run by
 * onnxruntime-node's native CPU library): texts through the `feature-extraction` pipeline (mean
 * of the last hidden states over the real tokens, L2-normalised), images through
 * `image-feature-extraction` (the model's pooled output when it has one, else its first (CLS)
 * token). A model is a local folder (`config.json`, the tokenizer or preprocessor files, and
 * `onnx/model.onnx`), which works offline, or a Hugging Face model id, downloaded into deal's
 * cache folder when the machine is online (not with HF_HUB_OFFLINE=1).
 */
import { existsSync, readdirSync, statSync } from "node:fs"
import { join, relative, resolve } from "node:path"
import * as Effect from "effect/Effect"
import type { Dataset } from "../data/dataset.js"
import { type Backbone, BackboneError, type OnProgress } from "./backbone.js"
import { defaultCacheDir } from "./embedding-cache.js"

/** Items per forward pass. */
const BATCH = 32

/** Every file of a folder (recursively, sorted) with its size and modification time: a local model's revision. */
const folderRevision = (root: string): ReadonlyArray<string> => {
  const out: Array<string> = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name)
      const s = statSync(path)
      if (s.isDirectory()) walk(path)
      else out.push(`${relative(root, path)}\t${s.size}\t${Math.round(s.mtimeMs)}`)
    }
  }
  walk(root)
  return out
}

/** Whether `name` names a folder on this machine (rather than a Hub model id). */
const isLocal = (name: string) => existsSync(name) || name.startsWith(".") || name.startsWith("/") || /^[A-Za-z]:[\\/]/.test(name)

const howToGiveAFolder = "download the model on a machine with network (its config.json, tokenizer or preprocessor files and onnx/model.onnx) and give --backbone PATH"

/** A transformers.js backbone for `input` items, from a local folder or a Hub model id. */
export const transformersBackbone = (name: string, input: "text" | "image"): Effect.Effect<Backbone, BackboneError> =>
  Effect.gen(function* () {
    const fail = (message: string) => new BackboneError({ backbone: name, message })
    const local = isLocal(name)
    const folder = local ? resolve(name) : undefined
    if (folder !== undefined) {
      if (!existsSync(folder) || !statSync(folder).isDirectory()) return yield* fail(`no such folder ${folder}: expected a model folder with config.json and onnx/model.onnx`)
      for (const needed of ["config.json", join("onnx", "model.onnx")]) {
        if (!existsSync(join(folder, needed))) return yield* fail(`${join(folder, needed)} is missing: expected a transformers.js model folder (config.json, onnx/model.onnx)`)
      }
    }
    const task = input === "text" ? "feature-extraction" : "image-feature-extraction"
    return {
      name,
      input,
      identity: {
        backbone: "transformers.js",
        task,
        model: folder === undefined ? name : { files: folderRevision(folder) },
        pooling: input === "text" ? "mean" : "pooler-or-cls",
        normalize: input === "text" ? "l2" : "none",
        dtype: "fp32"
      },
      embed: (splits, onProgress) => embedWith(name, folder, task, splits, onProgress)
    }
  })

type Pipeline = ((inputs: unknown, options?: Record<string, unknown>) => Promise<{ readonly data: ArrayLike<number>; readonly dims: ReadonlyArray<number> }>) & {
  readonly dispose: () => Promise<void>
}

const embedWith = (
  name: string,
  folder: string | undefined,
  task: "feature-extraction" | "image-feature-extraction",
  splits: { readonly train: Dataset; readonly test: Dataset },
  onProgress: OnProgress
): Effect.Effect<{ readonly train: Float32Array; readonly test: Float32Array; readonly dim: number }, BackboneError> =>
  Effect.acquireUseRelease(
    Effect.tryPromise({
      try: async () => {
        const hf = await import("@huggingface/transformers")
        hf.env.cacheDir = join(defaultCacheDir(), "models")
        hf.env.allowRemoteModels = folder === undefined && process.env["HF_HUB_OFFLINE"] !== "1"
        const pipe = (await hf.pipeline(task, folder ?? name, { dtype: "fp32", device: "cpu" })) as unknown as Pipeline
        return { hf, pipe }
      },
      catch: (e) => {
        const why = String((e as Error).message ?? e).split("\n")[0]
        return new BackboneError({
          backbone: name,
          message:
            folder !== undefined
              ? `cannot load ${folder}: ${why}`
              : process.env["HF_HUB_OFFLINE"] === "1"
                ? `not a local folder, and HF_HUB_OFFLINE=1 forbids downloading it: ${howToGiveAFolder}`
                : `cannot download it from the Hugging Face Hub (${why}); offline, ${howToGiveAFolder}`
        })
      }
    }),
    ({ hf, pipe }) =>
      Effect.gen(function* () {
        const total = splits.train.y.length + splits.test.y.length
        let done = 0
        let dim = 0
        const pooled: { has?: boolean } = {}
        const embedSplit = (ds: Dataset) =>
          Effect.gen(function* () {
            const n = ds.y.length
            let out = new Float32Array(0)
            for (let start = 0; start < n; start += BATCH) {
              const end = Math.min(n, start + BATCH)
              const batch = yield* Effect.tryPromise({
                try: async () => {
                  if (task === "feature-extraction") {
                    if (ds.texts === undefined) throw new Error(`needs text data, and ${ds.name} has no texts`)
                    return rowsOf(await pipe(ds.texts.slice(start, end), { pooling: "mean", normalize: true }))
                  }
                  if (ds.shape.length !== 3) throw new Error(`needs images [height, width, channels], ${ds.name} has examples of shape [${ds.shape.join(", ")}]`)
                  const images = Array.from({ length: end - start }, (_, j) => rawImage(hf.RawImage, ds, start + j))
                  return imageRows(pipe, images, pooled)
                },
                catch: (e) => new BackboneError({ backbone: name, message: String((e as Error).message ?? e).split("\n")[0] })
              })
              if (start === 0) {
                dim = batch.dim
                if (out.length !== n * dim) out = new Float32Array(n * dim)
              }
              out.set(batch.data, start * dim)
              done += end - start
              yield* onProgress(done, total)
            }
            return out
          })
        yield* onProgress(0, total)
        const train = yield* embedSplit(splits.train)
        const test = yield* embedSplit(splits.test)
        return { train, test, dim }
      }),
    ({ pipe }) => Effect.promise(() => pipe.dispose().catch(() => undefined))
  )

/** A [b × d] result as rows. */
const rowsOf = (t: { readonly data: ArrayLike<number>; readonly dims: ReadonlyArray<number> }) => ({
  data: Float32Array.from(t.data),
  dim: t.dims[t.dims.length - 1]
})

/**
 * The pooled output when the model has one, else the first token of the last hidden states.
 * Whether it has one is learnt on the first batch (`pooled`), so later batches run the model once.
 */
const imageRows = async (pipe: Pipeline, images: ReadonlyArray<unknown>, pooled: { has?: boolean }) => {
  if (pooled.has !== false) {
    try {
      const rows = rowsOf(await pipe(images, { pool: true }))
      pooled.has = true
      return rows
    } catch (e) {
      if (pooled.has === true) throw e
      pooled.has = false
    }
  }
  const t = await pipe(images)
  const [b, tokens, d] = t.dims
  const data = new Float32Array(b * d)
  for (let i = 0; i < b; i++) for (let k = 0; k < d; k++) data[i * d + k] = t.data[i * tokens * d + k]
  return { data, dim: d }
}

/** Example `i` of an image dataset (pixels in [0, 1], [h, w, c]) as a transformers.js RawImage. */
const rawImage = (RawImage: new (data: Uint8ClampedArray, width: number, height: number, channels: 1 | 2 | 3 | 4) => unknown, ds: Dataset, i: number) => {
  const [h, w, c] = ds.shape
  const size = h * w * c
  const pixels = new Uint8ClampedArray(size)
  const x = ds.x.subarray(i * size, (i + 1) * size)
  for (let k = 0; k < size; k++) pixels[k] = Math.round(x[k] * 255)
  return new RawImage(pixels, w, h, c as 1 | 3)
}
