import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { loadImageFolder } from "../../src/data/folder.js"
import { encodeImage, pattern, tempDir } from "./fixtures.js"

const noCache = { cacheDir: false } as const

/** `root/rel` as a 6×6 grey PNG of class c of 3. */
const image = async (root: string, rel: string, c: number) => {
  mkdirSync(join(root, rel, ".."), { recursive: true })
  writeFileSync(join(root, rel), await encodeImage(pattern(c, 3, 0, 6, 1), 6, 1))
}

/** unlabeled/ with images at two depths (and a note that is not an image), test/cat and test/dog. */
const folder = async (options: { readonly test?: boolean } = {}) => {
  const root = tempDir("deal-unlabeled-")
  await image(root, "unlabeled/b.png", 0)
  await image(root, "unlabeled/a.png", 1)
  await image(root, "unlabeled/2026/field/c.png", 2)
  writeFileSync(join(root, "unlabeled", "notes.txt"), "not an image")
  if (options.test !== false) {
    await image(root, "test/dog/0.png", 1)
    await image(root, "test/cat/0.png", 0)
    await image(root, "test/cat/1.png", 0)
  }
  return root
}

describe("folder: datasets without labels (PATH/unlabeled/, for deal label)", () => {
  it.effect("reads every image under unlabeled/ at any depth, labels unknown (−1), and takes the classes from test/", () =>
    Effect.gen(function* () {
      const root = yield* Effect.promise(() => folder())
      const { train, test } = yield* loadImageFolder(root, noCache)
      expect(train.ids).toEqual(["unlabeled/2026/field/c.png", "unlabeled/a.png", "unlabeled/b.png"].map((p) => join(root, p)))
      expect(Array.from(train.y)).toEqual([-1, -1, -1])
      expect(train.classNames).toEqual(["cat", "dog"])
      expect(Array.from(test.y)).toEqual([0, 0, 1])
      expect(train.shape).toEqual([6, 6, 1])
    })
  )

  it.effect("--classes names the classes and their order; the test folders must be among them", () =>
    Effect.gen(function* () {
      const root = yield* Effect.promise(() => folder())
      const { train, test } = yield* loadImageFolder(root, { ...noCache, classes: ["dog", "bird", "cat"] })
      expect(train.classNames).toEqual(["dog", "bird", "cat"])
      expect(Array.from(test.y)).toEqual([2, 2, 0])
      const refused = yield* Effect.flip(loadImageFolder(root, { ...noCache, classes: ["cat", "bird"] }))
      expect(refused.message).toBe("test class 'dog' is not one of --classes cat,bird: expected test/<class>/ folders named as the classes")
      expect(refused.file).toBe(join(root, "test", "dog"))
    })
  )

  it.effect("without a test folder the classes come from --classes, and the test split is empty", () =>
    Effect.gen(function* () {
      const root = yield* Effect.promise(() => folder({ test: false }))
      const { train, test } = yield* loadImageFolder(root, { ...noCache, classes: ["cat", "dog"] })
      expect(train.y.length).toBe(3)
      expect(test.y.length).toBe(0)
      const none = yield* Effect.flip(loadImageFolder(root, noCache))
      expect(none.message).toBe(`no classes: give the classes with --classes a,b,c, or label some images in ${join(root, "test")}/<class>/ (active learning needs at least two)`)
      rmSync(join(root, "unlabeled"), { recursive: true })
      mkdirSync(join(root, "unlabeled"))
      const empty = yield* Effect.flip(loadImageFolder(root, { ...noCache, classes: ["cat", "dog"] }))
      expect(empty.message).toBe(`no images: expected .png, .jpg, .jpeg, .webp files at any depth under ${join(root, "unlabeled")}`)
    })
  )
})
