import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import "@tensorflow/tfjs-backend-wasm"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { registerWasmGather } from "../../src/runtime/wasm-gather.js"
import { registerWasmSlice } from "../../src/runtime/wasm-slice.js"
import { tidyValue } from "../../src/runtime/tidy-value.js"

type DType = "float32" | "int32" | "bool"

const valuesOf = (n: number, dtype: DType) =>
  Array.from({ length: n }, (_, i) => (dtype === "bool" ? i % 3 === 0 : dtype === "int32" ? i * 7 - 50 : Math.sin(i) * 100)) as Array<number>

const on = async <T>(backend: "cpu" | "wasm", f: () => T): Promise<T> => {
  await tf.setBackend(backend)
  return tidyValue(f)
}

const read = (t: tf.Tensor) => ({ shape: t.shape, values: Array.from(t.dataSync()) })

/** A shape of rank 1–4 with a begin and size inside it (size −1: to the end). */
const sliceCase = fc
  .array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      begin: fc.tuple(...shape.map((s) => fc.integer({ min: 0, max: s - 1 }))),
      ends: fc.tuple(...shape.map((s) => fc.integer({ min: 0, max: s }))),
      toEnd: fc.boolean(),
      dtype: fc.constantFrom<DType>("float32", "int32", "bool")
    })
  )
  .map(({ shape, begin, ends, toEnd, dtype }) => ({
    shape,
    begin,
    size: begin.map((b, a) => (toEnd && a === 0 ? -1 : Math.max(0, ends[a] - b))),
    dtype
  }))

/** A shape of rank 1–4, an axis in it, and indices (repeats allowed) along that axis. */
const gatherCase = fc
  .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 })
  .chain((shape) =>
    fc.integer({ min: 0, max: shape.length - 1 }).chain((axis) =>
      fc.record({
        shape: fc.constant(shape),
        axis: fc.constant(axis),
        indices: fc.array(fc.integer({ min: 0, max: shape[axis] - 1 }), { minLength: 0, maxLength: 7 }),
        dtype: fc.constantFrom<DType>("float32", "int32", "bool")
      })
    )
  )

describe("wasm Slice and GatherV2 on the heap", () => {
  beforeAll(async () => {
    registerWasmSlice()
    registerWasmSlice() // idempotent
    registerWasmGather()
    registerWasmGather()
    await tf.setBackend("wasm")
  })

  it("Slice equals the cpu backend's for every rank up to 4, dtype, begin and size", async () => {
    await fc.assert(
      fc.asyncProperty(sliceCase, async ({ shape, begin, size, dtype }) => {
        const run = () => read(tf.slice(tf.tensor(valuesOf(shape.reduce((a, b) => a * b, 1), dtype), shape, dtype), begin, size))
        expect(await on("wasm", run)).toEqual(await on("cpu", run))
      }),
      { numRuns: 200 }
    )
  })

  it("GatherV2 equals the cpu backend's for every rank up to 4, axis, dtype and index list", async () => {
    await fc.assert(
      fc.asyncProperty(gatherCase, async ({ shape, axis, indices, dtype }) => {
        const run = () => read(tf.gather(tf.tensor(valuesOf(shape.reduce((a, b) => a * b, 1), dtype), shape, dtype), tf.tensor1d(indices, "int32"), axis))
        expect(await on("wasm", run)).toEqual(await on("cpu", run))
      }),
      { numRuns: 200 }
    )
  })

  it("slices rows 1–2 and columns 1–2 of a 3 × 4 matrix, and gathers its rows 2, 0, 2, worked by hand", async () => {
    await tf.setBackend("wasm")
    const m = tf.tensor2d([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]])
    expect(read(tf.slice(m, [1, 1], [2, 2]))).toEqual({ shape: [2, 2], values: [5, 6, 9, 10] })
    expect(read(tf.gather(m, tf.tensor1d([2, 0, 2], "int32")))).toEqual({ shape: [3, 4], values: [8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11] })
    expect(read(tf.gather(m, tf.tensor1d([3, 0], "int32"), 1))).toEqual({ shape: [3, 2], values: [3, 0, 7, 4, 11, 8] })
    expect(() => tf.gather(m, tf.tensor1d([3], "int32"))).toThrow(/index value 3 is not in \[0, 2\]/)
    m.dispose()
  })
})
