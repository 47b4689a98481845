import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { readIdx } from "../../src/data/idx.js"

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
