/**
 * Image folders in DalMax's layout, `PATH/train/<class>/*` and `PATH/test/<class>/*`: classes
 * sorted by folder name, images (PNG, JPEG, WebP) decoded in parallel with sharp, optionally
 * resized, and cached as one decoded file keyed by every image's path, size and modification
 * time plus the target size, so a second load reads one file instead of decoding again.
 */
import { createHash } from "node:crypto"
import { readdir, readlink, stat } from "node:fs/promises"
import { join, resolve } from "node:path"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { type CacheHeader, readCacheFile, writeCacheFile } from "./binary-cache.js"
import { type Dataset, type DatasetSplits, requireTwoClasses, type SkippedItem } from "./dataset.js"
import { DataError, failData as fail } from "./errors.js"
import { type DatasetOptions, warnSkipped } from "./options.js"

const splits = ["train", "test"] as const
type Split = (typeof splits)[number]

/** File extensions read as images (case-insensitive). */
export const imageExtensions: ReadonlyArray<string> = [".png", ".jpg", ".jpeg", ".webp"]
const isImage = (name: string) => imageExtensions.some((e) => name.toLowerCase().endsWith(e))

/** Bumped whenever the cache layout or the decoding changes, so old caches are not read. */
const CACHE_VERSION = 1
const MAGIC = "DEALIMG1"

interface Entry {
  /** Path relative to the dataset folder, e.g. `train/cat/001.png`. */
  readonly rel: string
  readonly label: number
  readonly bytes: number
  readonly mtimeMs: number
}

interface Listing {
  readonly classNames: ReadonlyArray<string>
  readonly entries: Record<Split, ReadonlyArray<Entry>>
  readonly ignored: ReadonlyArray<string>
}

/** A visible entry of a folder, symbolic links followed. */
interface DirEntry {
  readonly name: string
  readonly isDirectory: boolean
}

/**
 * The entries of `dir` not starting with a dot, symbolic links followed (a linked class folder or
 * image is used as if it were there). A broken link among those `follow` picks fails, naming it
 * and what it should point to.
 */
const readDir = (dir: string, follow: (name: string) => boolean, expected: string): Effect.Effect<Array<DirEntry>, DataError> =>
  Effect.tryPromise({
    try: () => readdir(dir, { withFileTypes: true }),
    catch: (e) => new DataError({ file: dir, message: `cannot read folder: ${(e as Error).message}`, reason: "unreadable" })
  }).pipe(
    Effect.flatMap((items) =>
      Effect.forEach(
        items.filter((d) => !d.name.startsWith(".")),
        (d): Effect.Effect<DirEntry, DataError> => {
          if (!d.isSymbolicLink() || !follow(d.name)) return Effect.succeed({ name: d.name, isDirectory: d.isDirectory() })
          const path = join(dir, d.name)
          return Effect.promise(() =>
            stat(path).then(
              (s) => s.isDirectory(),
              () => readlink(path).then((target) => ({ target }), () => ({ target: "an unreadable target" }))
            )
          ).pipe(
            Effect.flatMap((r) =>
              typeof r === "boolean"
                ? Effect.succeed({ name: d.name, isDirectory: r })
                : fail(path, `broken symbolic link to ${r.target}: expected ${expected}`, "unreadable")
            )
          )
        },
        { concurrency: 16 }
      )
    )
  )

const isDirectory = (path: string) =>
  Effect.promise(() => stat(path).then((s) => s.isDirectory(), () => false))

/** Lists the class folders and images of both splits, checking the layout. */
const listFolder = (root: string): Effect.Effect<Listing, DataError> =>
  Effect.gen(function* () {
    const layout = `expected ${join(root, "train")}/<class>/ and ${join(root, "test")}/<class>/ folders of images`
    if (!(yield* isDirectory(root))) return yield* fail(root, `no such folder: ${layout}`, "missing-split")
    const ignored: Array<string> = []
    const classes = {} as Record<Split, Array<string>>
    for (const split of splits) {
      const dir = join(root, split)
      if (!(yield* isDirectory(dir))) return yield* fail(dir, `missing '${split}' folder: ${layout}`, "missing-split")
      const items = yield* readDir(dir, () => true, "a class folder")
      classes[split] = items.filter((d) => d.isDirectory).map((d) => d.name).sort()
      for (const d of items) if (!d.isDirectory) ignored.push(join(dir, d.name))
    }
    for (const [a, b] of [["train", "test"], ["test", "train"]] as const) {
      const missing = classes[a].find((c) => !classes[b].includes(c))
      if (missing !== undefined) {
        return yield* fail(
          join(root, b, missing),
          `class '${missing}' has a folder in ${a}/ but not in ${b}/: expected the same class folders in both (${a}/ has ${classes[a].join(", ")}; ${b}/ has ${classes[b].join(", ") || "none"})`,
          "class-mismatch"
        )
      }
    }
    const classNames = classes.train
    if (classNames.length === 0) return yield* fail(join(root, "train"), `no class folders: ${layout}`, "empty-class")
    const entries = {} as Record<Split, Array<Entry>>
    for (const split of splits) {
      const perClass = yield* Effect.forEach(
        classNames,
        (name, label) =>
          Effect.gen(function* () {
            const dir = join(root, split, name)
            const items = yield* readDir(dir, isImage, "an image")
            const files = items.filter((d) => isImage(d.name) && !d.isDirectory).map((d) => d.name).sort()
            for (const d of items) if (!(isImage(d.name) && !d.isDirectory)) ignored.push(join(dir, d.name))
            if (files.length === 0) {
              return yield* fail(
                dir,
                `class '${name}' has no images in ${split}/: expected at least one ${imageExtensions.join(", ")} file`,
                "empty-class"
              )
            }
            return yield* Effect.forEach(
              files,
              (f) =>
                Effect.tryPromise({
                  try: () => stat(join(dir, f)),
                  catch: (e) => new DataError({ file: join(dir, f), message: `cannot read image: ${(e as Error).message}`, reason: "unreadable" })
                }).pipe(Effect.map((s): Entry => ({ rel: join(split, name, f), label, bytes: s.size, mtimeMs: s.mtimeMs }))),
              { concurrency: 64 }
            )
          }),
        { concurrency: 4 }
      )
      entries[split] = perClass.flat()
    }
    yield* requireTwoClasses({ classNames, y: Int32Array.from(entries.train, (e) => e.label) }, join(root, "train"))
    return { classNames, entries, ignored }
  })

/** Every image under `dir`, at any depth, as paths relative to `dir` (sorted), and what is not an image. */
const listTree = (dir: string): Effect.Effect<{ readonly images: Array<string>; readonly ignored: Array<string> }, DataError> =>
  Effect.gen(function* () {
    const images: Array<string> = []
    const ignored: Array<string> = []
    const visit = (rel: string): Effect.Effect<void, DataError> =>
      Effect.gen(function* () {
        for (const d of yield* readDir(join(dir, rel), () => true, "an image or a folder")) {
          const path = rel === "" ? d.name : join(rel, d.name)
          if (d.isDirectory) yield* visit(path)
          else if (isImage(d.name)) images.push(path)
          else ignored.push(join(dir, path))
        }
      })
    yield* visit("")
    return { images: images.sort(), ignored }
  })

/** A file's size and modification time, for the cache key. */
const entryOf = (root: string, rel: string, label: number): Effect.Effect<Entry, DataError> =>
  Effect.tryPromise({
    try: () => stat(join(root, rel)),
    catch: (e) => new DataError({ file: join(root, rel), message: `cannot read image: ${(e as Error).message}`, reason: "unreadable" })
  }).pipe(Effect.map((s): Entry => ({ rel, label, bytes: s.size, mtimeMs: s.mtimeMs })))

/**
 * The unlabelled layout, for people to label (`deal label`): images at any depth under
 * `PATH/unlabeled/` (the "train" split, label −1), and optionally a labelled
 * `PATH/test/<class>/` to measure on. The classes are `classes` (`--classes`), else the test
 * folder's; a test class that is not among `classes` is refused.
 */
const listUnlabeledFolder = (root: string, classes: ReadonlyArray<string> | undefined): Effect.Effect<Listing, DataError> =>
  Effect.gen(function* () {
    const pool = join(root, unlabeledFolder)
    const tree = yield* listTree(pool)
    if (tree.images.length === 0) return yield* fail(pool, `no images: expected ${imageExtensions.join(", ")} files at any depth under ${pool}`, "empty")
    const test = join(root, "test")
    const testClasses = (yield* isDirectory(test)) ? (yield* readDir(test, () => true, "a class folder")).filter((d) => d.isDirectory).map((d) => d.name).sort() : []
    const classNames = classes ?? testClasses
    if (classNames.length < 2) {
      return yield* fail(root, `${classNames.length === 0 ? "no classes" : `one class, '${classNames[0]}'`}: give the classes with --classes a,b,c, or label some images in ${test}/<class>/ (active learning needs at least two)`, "one-class")
    }
    const stray = testClasses.find((c) => !classNames.includes(c))
    if (stray !== undefined) return yield* fail(join(test, stray), `test class '${stray}' is not one of --classes ${classNames.join(",")}: expected test/<class>/ folders named as the classes`, "class-mismatch")
    const unlabeled = yield* Effect.forEach(tree.images, (rel) => entryOf(root, join(unlabeledFolder, rel), -1), { concurrency: 64 })
    const tested = yield* Effect.forEach(
      testClasses,
      (name) =>
        Effect.gen(function* () {
          const items = yield* readDir(join(test, name), isImage, "an image")
          const files = items.filter((d) => isImage(d.name) && !d.isDirectory).map((d) => d.name).sort()
          return yield* Effect.forEach(files, (f) => entryOf(root, join("test", name, f), classNames.indexOf(name)), { concurrency: 64 })
        }),
      { concurrency: 4 }
    )
    return { classNames, entries: { train: unlabeled, test: tested.flat() }, ignored: tree.ignored }
  })

/** The folder of `folder:PATH` whose images people label. */
export const unlabeledFolder = "unlabeled"

/** The cache key: the format version, the target size and every image's path, size and mtime. */
const cacheKey = (listing: Listing, imgSize: number | undefined): string => {
  const h = createHash("sha256")
  h.update(`${MAGIC} v${CACHE_VERSION} size=${imgSize ?? "native"} classes=${listing.classNames.join("/")}\n`)
  for (const split of splits) for (const e of listing.entries[split]) h.update(`${e.rel}\t${e.bytes}\t${e.mtimeMs}\n`)
  return h.digest("hex").slice(0, 24)
}

interface Decoded {
  /** Pixels, 8 bits per channel, images in listing order (train then test). */
  readonly pixels: Uint8Array
  readonly shape: readonly [number, number, number]
  /** Per split, which listing entries were kept (the others were skipped). */
  readonly kept: Record<Split, ReadonlyArray<number>>
  /** Skipped images, with paths relative to the folder (so a cache stays valid if the folder moves). */
  readonly skipped: ReadonlyArray<SkippedItem>
}

interface ImageCacheHeader extends CacheHeader {
  readonly shape: readonly [number, number, number]
  readonly kept: Record<Split, ReadonlyArray<number>>
  /** Relative paths, so the cache is valid wherever the folder is. */
  readonly skipped: ReadonlyArray<SkippedItem>
}

const readCache = (file: string, key: string): Effect.Effect<Decoded | undefined> =>
  Effect.map(
    readCacheFile<ImageCacheHeader>(file, MAGIC, { version: CACHE_VERSION, key }, (h) => (h.kept.train.length + h.kept.test.length) * h.shape[0] * h.shape[1] * h.shape[2]),
    (c) => c && { pixels: c.payload, shape: c.header.shape, kept: c.header.kept, skipped: c.header.skipped }
  )

const writeCache = (dir: string, file: string, key: string, decoded: Decoded): Effect.Effect<void> => {
  const header: ImageCacheHeader = { version: CACHE_VERSION, key, shape: decoded.shape, kept: decoded.kept, skipped: decoded.skipped }
  return writeCacheFile(dir, file, MAGIC, header, decoded.pixels)
}

interface Image {
  readonly data: Buffer
  readonly width: number
  readonly height: number
  readonly channels: number
}

/** sharp, loaded when the first image is decoded (not by every deal command). */
const loadSharp = () => import("sharp").then((m) => m.default)

/** Decodes an image to 8-bit sRGB (sharp's default output colour space), alpha dropped, optionally resized. */
const decodeImage = (file: string, imgSize: number | undefined): Effect.Effect<Image, string> =>
  Effect.tryPromise({
    try: async () => {
      let img = (await loadSharp())(file, { failOn: "error" }).removeAlpha()
      if (imgSize !== undefined) img = img.resize(imgSize, imgSize, { fit: "fill" })
      const { data, info } = await img.raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true })
      if (info.channels !== 1 && info.channels !== 3) throw new Error(`${info.channels} channels after decoding, expected 1 or 3`)
      return { data, width: info.width, height: info.height, channels: info.channels }
    },
    catch: (e) => String((e as Error).message ?? e).split("\n")[0]
  })

/** Whether an 8-bit image is grey: one channel, or three equal ones in every pixel. */
const isGrey = (img: Image): boolean => {
  if (img.channels === 1) return true
  const d = img.data
  for (let p = 0; p < d.length; p += 3) if (d[p] !== d[p + 1] || d[p] !== d[p + 2]) return false
  return true
}

/** Decodes every listed image (in parallel), checks sizes, and packs them into one byte array. */
const decodeAll = (root: string, listing: Listing, options: DatasetOptions): Effect.Effect<Decoded, DataError> =>
  Effect.gen(function* () {
    const all = [...listing.entries.train, ...listing.entries.test]
    const results = yield* Effect.forEach(all, (e) => Effect.either(decodeImage(join(root, e.rel), options.imgSize)), {
      concurrency: 32
    })
    const skipped: Array<SkippedItem> = []
    const bad = (i: number, message: string, reason: DataError["reason"]) =>
      options.skipBad
        ? Effect.sync(() => void skipped.push({ file: all[i].rel, message }))
        : fail(join(root, all[i].rel), message, reason)
    let first: { readonly i: number; readonly image: Image } | undefined
    const ok: Array<boolean> = new Array(all.length).fill(false)
    let channels = 1
    for (let i = 0; i < all.length; i++) {
      const r = results[i]
      if (Either.isLeft(r)) {
        yield* bad(i, `cannot decode image (${r.left}): expected a PNG, JPEG or WebP file`, "undecodable")
        continue
      }
      const image = r.right
      if (first === undefined) first = { i, image }
      else if (image.width !== first.image.width || image.height !== first.image.height) {
        // Different sizes are a configuration problem, not a corrupt file: never skipped.
        return yield* fail(
          join(root, all[i].rel),
          `image is ${image.width}×${image.height} but ${join(root, all[first.i].rel)} is ${first.image.width}×${first.image.height}: expected every image the same size; pass --img_size N to resize them all to N×N`,
          "mixed-sizes"
        )
      }
      ok[i] = true
      if (channels === 1 && !isGrey(image)) channels = 3
    }
    if (first === undefined) return yield* fail(root, "no image could be decoded", "undecodable")
    const { width, height } = first.image
    const per = width * height * channels
    const pixels = new Uint8Array(ok.filter(Boolean).length * per)
    let o = 0
    for (let i = 0; i < all.length; i++) {
      if (!ok[i]) continue
      const img = (results[i] as Either.Right<string, Image>).right
      if (img.channels === channels) pixels.set(img.data, o)
      else if (channels === 3) for (let p = 0; p < width * height; p++) pixels.fill(img.data[p], o + p * 3, o + p * 3 + 3)
      else for (let p = 0; p < width * height; p++) pixels[o + p] = img.data[p * 3]
      o += per
    }
    const nTrain = listing.entries.train.length
    const kept = {
      train: ok.flatMap((k, i) => (k && i < nTrain ? [i] : [])),
      test: ok.flatMap((k, i) => (k && i >= nTrain ? [i - nTrain] : []))
    }
    return { pixels, shape: [height, width, channels] as const, kept, skipped }
  })

const toDatasets = (root: string, name: string, listing: Listing, decoded: Decoded, unlabeled: boolean): Effect.Effect<DatasetSplits, DataError> =>
  Effect.gen(function* () {
    const per = decoded.shape[0] * decoded.shape[1] * decoded.shape[2]
    let offset = 0
    const out = {} as Record<Split, Dataset>
    for (const split of splits) {
      const kept = decoded.kept[split]
      const entries = listing.entries[split]
      const x = new Float32Array(kept.length * per)
      const src = decoded.pixels.subarray(offset * per, (offset + kept.length) * per)
      for (let i = 0; i < x.length; i++) x[i] = src[i] / 255
      offset += kept.length
      const y = Int32Array.from(kept, (i) => entries[i].label)
      const counts = new Int32Array(listing.classNames.length)
      for (const c of y) if (c >= 0) counts[c]++
      const empty = unlabeled ? -1 : counts.findIndex((c) => c === 0)
      if (empty >= 0) {
        const cls = listing.classNames[empty]
        return yield* fail(join(root, split, cls), `class '${cls}' has no images left in ${split}/ after skipping bad ones: expected at least one`, "empty-class")
      }
      out[split] = {
        name,
        x,
        shape: decoded.shape,
        y,
        classNames: listing.classNames,
        ids: kept.map((i) => join(root, entries[i].rel)),
        kind: "image"
      }
    }
    return { train: out.train, test: out.test, ...(decoded.skipped.length > 0 ? { skipped: decoded.skipped } : {}) }
  })

/**
 * Loads `folder:PATH`: `PATH/train/<class>/*` and `PATH/test/<class>/*`, classes sorted by
 * folder name; or, where `PATH/unlabeled/` exists, its images as a "train" split of unknown
 * labels (−1) for people to label, with an optional labelled `PATH/test/<class>/` (see
 * `listUnlabeledFolder`); pixels scaled to [0, 1], shape [h, w, c] (c = 1 when every image is grey, else
 * 3; alpha is dropped), each example's id its file path. Decoded images are cached in
 * `PATH/.deal-cache` (or `options.cacheDir`, or $DEAL_CACHE_DIR), keyed by every image's path,
 * size and modification time and the target size: changing, adding or removing a file
 * invalidates it.
 */
export const loadImageFolder = (root: string, options: DatasetOptions = {}): Effect.Effect<DatasetSplits, DataError> =>
  Effect.gen(function* () {
    const name = `folder:${root}`
    const unlabeled = yield* isDirectory(join(root, unlabeledFolder))
    const listing = unlabeled ? yield* listUnlabeledFolder(root, options.classes) : yield* listFolder(root)
    if (listing.ignored.length > 0) {
      yield* Effect.logWarning(
        `ignored ${listing.ignored.length} file(s) in ${root} that are not images in a class folder (${imageExtensions.join(", ")}), e.g. ${listing.ignored[0]}`
      )
    }
    const cacheDir =
      options.cacheDir === false ? undefined : (options.cacheDir ?? (process.env["DEAL_CACHE_DIR"] || join(root, ".deal-cache")))
    const key = cacheKey(listing, options.imgSize)
    const cacheStem =
      options.cacheDir === undefined && !process.env["DEAL_CACHE_DIR"]
        ? "images"
        : `images-${createHash("sha256").update(resolve(root)).digest("hex").slice(0, 12)}`
    const cacheFile = cacheDir && join(cacheDir, `${cacheStem}-${options.imgSize ?? "native"}-${key}.bin`)
    const cached = cacheFile ? yield* readCache(cacheFile, key) : undefined
    const decoded: Decoded =
      cached === undefined
        ? yield* decodeAll(root, listing, options).pipe(
            Effect.tap((d) => (cacheDir && cacheFile ? writeCache(cacheDir, cacheFile, key, d) : Effect.void))
          )
        : cached
    const skipped = decoded.skipped.map((s) => ({ file: join(root, s.file), message: s.message }))
    if (skipped.length > 0 && !options.skipBad) {
      // A cache written with --skip-bad remembers the bad images: without the flag they still fail.
      return yield* fail(skipped[0].file, skipped[0].message, "undecodable")
    }
    const total = listing.entries.train.length + listing.entries.test.length
    yield* warnSkipped(root, skipped, total)
    return yield* toDatasets(root, name, listing, { ...decoded, skipped }, unlabeled)
  })
