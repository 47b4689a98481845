import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { readIdx } from "../../src/data/idx.js"
import { type IdxFile, idxDataset } from "../../src/data/mnist.js"

const dir = mkdtempSync(join(tmpdir(), "deal-idx-"))

/** An IDX file: magic 0 0 type ndim, big-endian uint32 dims, then the values. */
const idxBytes = (type: number, dims: Array<number>, body: Array<number>) =>
  Uint8Array.from([0, 0, type, dims.length, ...dims.flatMap((d) => [d >>> 24, (d >>> 16) & 255, (d >>> 8) & 255, d & 255]), ...body])

describe("readIdx", () => {
  it.effect("reads a hand-made ubyte file of 2 images of 2×3", () =>
    Effect.gen(function* () {
      const file = join(dir, "images-idx3-ubyte")
      writeFileSync(file, idxBytes(0x08, [2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]))
      const idx = yield* readIdx(file)
      expect(idx.dims).toEqual([2, 2, 3])
      expect(idx.data).toBeInstanceOf(Uint8Array)
      expect(Array.from(idx.data)).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255])
    })
  )

  it.effect("reads big-endian int32 and float32 values", () =>
    Effect.gen(function* () {
      const file = join(dir, "ints-idx1-int")
      // 258 = 0x00000102, -2 = 0xfffffffe
      writeFileSync(file, idxBytes(0x0c, [2], [0, 0, 1, 2, 255, 255, 255, 254]))
      expect(Array.from((yield* readIdx(file)).data)).toEqual([258, -2])
      const f = join(dir, "floats-idx1-float")
      // 1.5f = 0x3fc00000
      writeFileSync(f, idxBytes(0x0d, [1], [0x3f, 0xc0, 0, 0]))
      expect(Array.from((yield* readIdx(f)).data)).toEqual([1.5])
    })
  )

  it.effect("fails on a truncated file with a DataError naming the file and the sizes", () =>
    Effect.gen(function* () {
      const file = join(dir, "truncated-idx3-ubyte")
      writeFileSync(file, idxBytes(0x08, [2, 2, 3], [0, 1, 2, 3, 4]))
      const exit = yield* Effect.exit(readIdx(file))
      expect(Exit.isFailure(exit)).toBe(true)
      const error = yield* Effect.flip(readIdx(file))
      expect(error._tag).toBe("DataError")
      expect(error.file).toBe(file)
      expect(error.message).toBe("truncated IDX data: 21 bytes, expected 28 for ubyte[2×2×3]")
    })
  )

  it.effect("fails on a missing file and on a file that is not IDX", () =>
    Effect.gen(function* () {
      const missing = yield* Effect.flip(readIdx(join(dir, "nope")))
      expect(missing.file).toBe(join(dir, "nope"))
      expect(missing.message).toMatch(/cannot read IDX file/)
      const png = join(dir, "not-idx.png")
      writeFileSync(png, Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]))
      expect((yield* Effect.flip(readIdx(png))).message).toBe("not an IDX file: magic starts 137 80, expected 0 0")
    })
  )
})

describe("idxDataset: images and labels from IDX files", () => {
  const digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
  /** Three 2×2 images and their labels, written as IDX files and read back. */
  const pair = (labels: Array<number>, images = idxBytes(0x08, [3, 2, 2], Array.from({ length: 12 }, (_, i) => i * 20))) =>
    Effect.gen(function* () {
      const read = (name: string, bytes: Uint8Array) => {
        const file = join(dir, name)
        writeFileSync(file, bytes)
        return readIdx(file).pipe(Effect.map((idx): IdxFile => ({ file, idx })))
      }
      return [yield* read("pair-images-idx3-ubyte", images), yield* read("pair-labels-idx1-ubyte", idxBytes(0x08, [3], labels))] as const
    })

  it.effect("reads labels as class indices and pixels scaled to [0, 1]", () =>
    Effect.gen(function* () {
      const [images, labels] = yield* pair([3, 0, 9])
      const ds = yield* idxDataset("digits", images, labels, digits, undefined)
      expect(Array.from(ds.y)).toEqual([3, 0, 9])
      expect(ds.shape).toEqual([2, 2, 1])
      expect(ds.x[1]).toBeCloseTo(20 / 255)
    })
  )

  it.effect("a label outside the classes (10 of digits 0-9) fails naming the file, the index and the value", () =>
    Effect.gen(function* () {
      const [images, labels] = yield* pair([3, 10, 9])
      const e = yield* Effect.flip(idxDataset("digits", images, labels, digits, undefined))
      expect(e.reason).toBe("unknown-label")
      expect(e.file).toBe(labels.file)
      expect(e.message).toBe("index 1: label 10 is not a class: expected an integer from 0 to 9 (10 classes)")
    })
  )

  it.effect("images that are not unsigned bytes fail (pixels / 255 would be wrong)", () =>
    Effect.gen(function* () {
      const [images, labels] = yield* pair([1, 2, 3], idxBytes(0x0c, [3, 1, 1], Array.from({ length: 12 }, () => 0)))
      const e = yield* Effect.flip(idxDataset("digits", images, labels, digits, undefined))
      expect(e.file).toBe(images.file)
      expect(e.message).toBe("pixels are Int32Array: expected unsigned bytes (IDX type 0x08)")
    })
  )
})
