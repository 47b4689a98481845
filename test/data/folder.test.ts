import { mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { loadImageFolder } from "../../src/data/folder.js"
import { encodeImage, makeImageFolder, pattern, tempDir } from "./fixtures.js"

const noCache = { cacheDir: false } as const

describe("folder: datasets", () => {
  it.effect("reads PATH/train/<class> and PATH/test/<class>: classes sorted, pixels in [0, 1], paths as ids", () =>
    Effect.gen(function* () {
      const root = yield* Effect.promise(() => makeImageFolder(tempDir(), { classes: ["zebra", "ant", "moth"], train: 3, test: 2, size: 6 }))
      const { train, test } = yield* loadImageFolder(root, noCache)
      expect(train.classNames).toEqual(["ant", "moth", "zebra"])
      expect(train.shape).toEqual([6, 6, 1])
      expect(train.kind).toBe("image")
      expect(Array.from(train.y)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2])
      expect(test.y.length).toBe(6)
      expect(train.ids![0]).toBe(join(root, "train", "ant", "000.png"))
      expect(test.ids![5]).toBe(join(root, "test", "zebra", "001.png"))
      // pixel values are the PNG's bytes / 255: "ant" was written as class 1 of 3, image 0
      const expected = pattern(1, 3, 0, 6, 1)
      expect(Array.from(train.x.subarray(0, 36), (v) => Math.round(v * 255))).toEqual(Array.from(expected))
    })
  )

  it.effect("reads JPEGs and colour images, and resizes to imgSize", () =>
    Effect.gen(function* () {
      const root = yield* Effect.promise(() => makeImageFolder(tempDir(), { train: 2, test: 1, size: 12, channels: 3, format: "jpeg" }))
      const { train } = yield* loadImageFolder(root, { ...noCache, imgSize: 5 })
      expect(train.shape).toEqual([5, 5, 3])
      expect(train.x.length).toBe(6 * 75)
      expect(Math.max(...train.x)).toBeLessThanOrEqual(1)
    })
  )

  it.effect("grey and colour images together load as 3 channels", () =>
    Effect.gen(function* () {
      const root = yield* Effect.promise(() => makeImageFolder(tempDir(), { classes: ["a", "b"], train: 2, test: 1, size: 4 }))
      const png = yield* Effect.promise(() => encodeImage(pattern(0, 2, 9, 4, 3), 4, 3))
      writeFileSync(join(root, "train", "a", "colour.png"), png)
      const { train } = yield* loadImageFolder(root, noCache)
      expect(train.shape).toEqual([4, 4, 3])
      expect(train.y.length).toBe(5)
    })
  )

  it.effect("caches the decoded images and notices a changed, added or removed file", () =>
    Effect.gen(function* () {
      const root = yield* Effect.promise(() => makeImageFolder(tempDir(), { classes: ["a", "b"], train: 3, test: 2, size: 4 }))
      const first = yield* loadImageFolder(root)
      const cacheDir = join(root, ".deal-cache")
      const caches = () => readdirSync(cacheDir).filter((f) => f.endsWith(".bin"))
      expect(caches()).toHaveLength(1)
      const [file] = caches()
      const written = statSync(join(cacheDir, file)).mtimeMs
      // a second load reads the cache (the same data, the file untouched)
      const second = yield* loadImageFolder(root)
      expect(Array.from(second.train.x)).toEqual(Array.from(first.train.x))
      expect(second.train.ids).toEqual(first.train.ids)
      expect(caches()).toEqual([file])
      expect(statSync(join(cacheDir, file)).mtimeMs).toBe(written)
      // a changed image: new content, new key, the stale cache replaced
      const changed = join(root, "train", "a", "000.png")
      writeFileSync(changed, yield* Effect.promise(() => encodeImage(Buffer.alloc(16, 255), 4, 1)))
      utimesSync(changed, new Date(), new Date(Date.now() + 5000))
      const third = yield* loadImageFolder(root)
      expect(Array.from(third.train.x.subarray(0, 16))).toEqual(new Array(16).fill(1))
      expect(caches()).toHaveLength(1)
      expect(caches()[0]).not.toBe(file)
      // a removed image
      rmSync(join(root, "train", "b", "002.png"))
      expect((yield* loadImageFolder(root)).train.y.length).toBe(5)
      // another size is another cache entry
      const small = yield* loadImageFolder(root, { imgSize: 2 })
      expect(small.train.shape).toEqual([2, 2, 1])
      expect(caches()).toHaveLength(2)
    })
  )

  describe("bad input: a DataError naming the file and what was expected", () => {
    const folder = (spec = {}) => Effect.promise(() => makeImageFolder(tempDir(), { classes: ["cat", "dog"], train: 2, test: 1, size: 4, ...spec }))

    it.effect("a missing train/ or test/ folder", () =>
      Effect.gen(function* () {
        const root = yield* folder()
        rmSync(join(root, "test"), { recursive: true })
        const e = yield* Effect.flip(loadImageFolder(root, noCache))
        expect(e.reason).toBe("missing-split")
        expect(e.file).toBe(join(root, "test"))
        expect(e.message).toBe(`missing 'test' folder: expected ${join(root, "train")}/<class>/ and ${join(root, "test")}/<class>/ folders of images`)
        rmSync(join(root, "train"), { recursive: true })
        expect((yield* Effect.flip(loadImageFolder(root, noCache))).file).toBe(join(root, "train"))
        const none = yield* Effect.flip(loadImageFolder(join(root, "nowhere"), noCache))
        expect(none.message).toMatch(/^no such folder: expected /)
      })
    )

    it.effect("a class folder in one split and not the other", () =>
      Effect.gen(function* () {
        const root = yield* folder()
        renameSync(join(root, "test", "dog"), join(root, "test", "wolf"))
        const e = yield* Effect.flip(loadImageFolder(root, noCache))
        expect(e.reason).toBe("class-mismatch")
        expect(e.file).toBe(join(root, "test", "dog"))
        expect(e.message).toBe(
          "class 'dog' has a folder in train/ but not in test/: expected the same class folders in both (train/ has cat, dog; test/ has cat, wolf)"
        )
      })
    )

    it.effect("an image that does not decode; --skip-bad skips it with a count", () =>
      Effect.gen(function* () {
        const root = yield* folder()
        const bad = join(root, "train", "dog", "broken.png")
        writeFileSync(bad, "this is not a png")
        const e = yield* Effect.flip(loadImageFolder(root, noCache))
        expect(e.reason).toBe("undecodable")
        expect(e.file).toBe(bad)
        expect(e.message).toMatch(/^cannot decode image \(.+\): expected a PNG, JPEG or WebP file$/)
        const skipped = yield* loadImageFolder(root, { ...noCache, skipBad: true })
        expect(skipped.skipped).toHaveLength(1)
        expect(skipped.skipped![0].file).toBe(bad)
        expect(skipped.train.y.length).toBe(4)
        expect(skipped.train.ids).not.toContain(bad)
        // with the cache: a run with --skip-bad caches the result; one without still fails
        yield* loadImageFolder(root, { skipBad: true })
        expect((yield* loadImageFolder(root, { skipBad: true })).skipped).toHaveLength(1)
        expect((yield* Effect.flip(loadImageFolder(root))).file).toBe(bad)
      })
    )

    it.effect("images of mixed sizes without imgSize", () =>
      Effect.gen(function* () {
        const root = yield* folder()
        const odd = join(root, "test", "dog", "big.png")
        writeFileSync(odd, yield* Effect.promise(() => encodeImage(Buffer.alloc(25), 5, 1)))
        const e = yield* Effect.flip(loadImageFolder(root, noCache))
        expect(e.reason).toBe("mixed-sizes")
        expect(e.file).toBe(odd)
        expect(e.message).toBe(
          `image is 5×5 but ${join(root, "train", "cat", "000.png")} is 4×4: expected every image the same size; pass --img_size N to resize them all to N×N`
        )
        expect((yield* loadImageFolder(root, { ...noCache, imgSize: 4 })).test.y.length).toBe(3)
      })
    )

    it.effect("an empty class folder", () =>
      Effect.gen(function* () {
        const root = yield* folder()
        mkdirSync(join(root, "train", "emu"))
        mkdirSync(join(root, "test", "emu"))
        writeFileSync(join(root, "test", "emu", "notes.txt"), "no images here")
        const e = yield* Effect.flip(loadImageFolder(root, noCache))
        expect(e.reason).toBe("empty-class")
        expect(e.file).toBe(join(root, "train", "emu"))
        expect(e.message).toBe("class 'emu' has no images in train/: expected at least one .png, .jpg, .jpeg, .webp file")
      })
    )
  })
})
