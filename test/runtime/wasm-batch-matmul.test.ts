import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import "@tensorflow/tfjs-backend-wasm"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { registerWasmBatchMatMul } from "../../src/runtime/wasm-batch-matmul.js"

const values = (shape: ReadonlyArray<number>, seed: number) =>
  Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(seed * 7.3 + i * 1.7))

const product = (a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean) =>
  tf.tidy(() => tf.matMul(a, b, transposeA, transposeB).dataSync())

describe("wasm BatchMatMul with transposed operands", () => {
  beforeAll(async () => {
    registerWasmBatchMatMul()
    registerWasmBatchMatMul() // idempotent
    await tf.setBackend("wasm")
  })

  it("is the kernel registered for wasm", () => {
    expect(tf.getKernel("BatchMatMul", "wasm")?.kernelFunc.name).toBe("fastBatchMatMul")
  })

  it("equals the cpu backend's product, and wasm's own product of the explicitly transposed operands", () => {
    fc.assert(
      fc.property(
        fc.record({
          batch: fc.constantFrom<ReadonlyArray<number>>([], [3], [2, 2]),
          broadcastA: fc.boolean(),
          m: fc.integer({ min: 1, max: 17 }),
          k: fc.integer({ min: 1, max: 17 }),
          n: fc.integer({ min: 1, max: 17 }),
          transposeA: fc.boolean(),
          transposeB: fc.boolean(),
          seed: fc.integer({ min: 0, max: 1000 })
        }),
        ({ batch, broadcastA, m, k, n, transposeA, transposeB, seed }) => {
          const batchA = broadcastA && batch.length > 0 ? batch.map(() => 1) : batch
          const aShape = [...batchA, ...(transposeA ? [k, m] : [m, k])]
          const bShape = [...batch, ...(transposeB ? [n, k] : [k, n])]
          const av = values(aShape, seed)
          const bv = values(bShape, seed + 1)
          tf.setBackend("cpu")
          const expected = product(tf.tensor(av, aShape), tf.tensor(bv, bShape), transposeA, transposeB)
          tf.setBackend("wasm")
          const before = tf.engine().backend.numDataIds()
          const a = tf.tensor(av, aShape)
          const b = tf.tensor(bv, bShape)
          const actual = product(a, b, transposeA, transposeB)
          const swap = (x: tf.Tensor) => tf.transpose(x, [...x.shape.keys()].map((i, _, all) => (i < all.length - 2 ? i : 2 * all.length - 3 - i)))
          const direct = tf.tidy(() => tf.matMul(transposeA ? swap(a) : a, transposeB ? swap(b) : b).dataSync())
          a.dispose()
          b.dispose()
          expect(tf.engine().backend.numDataIds()).toBe(before)
          expect(actual).toEqual(direct)
          expect(actual.length).toBe(expected.length)
          actual.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-4 * (1 + Math.abs(expected[i]))))
        }
      ),
      { numRuns: 60 }
    )
  })
})
