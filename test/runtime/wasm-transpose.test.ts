import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import "@tensorflow/tfjs-backend-wasm"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { registerWasmTranspose } from "../../src/runtime/wasm-transpose.js"

/** A permutation of 0 … rank − 1 drawn by fast-check. */
const shapeAndPerm = (maxRank: number) =>
  fc.integer({ min: 1, max: maxRank }).chain((rank) =>
    fc.record({
      shape: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: rank, maxLength: rank }),
      perm: fc.shuffledSubarray(Array.from({ length: rank }, (_, i) => i), { minLength: rank, maxLength: rank }),
      dtype: fc.constantFrom<"float32" | "int32" | "bool">("float32", "int32", "bool")
    })
  )

const transposed = async (backend: "cpu" | "wasm", shape: Array<number>, perm: Array<number>, dtype: "float32" | "int32" | "bool") => {
  await tf.setBackend(backend)
  return tf.tidy(() => {
    const n = shape.reduce((a, b) => a * b, 1)
    const values = Array.from({ length: n }, (_, i) => (dtype === "bool" ? i % 3 === 0 : dtype === "int32" ? i * 7 - 50 : Math.sin(i) * 100))
    const t = tf.transpose(tf.tensor(values as Array<number>, shape, dtype), perm)
    return { shape: t.shape, values: Array.from(t.dataSync()) }
  })
}

describe("wasm Transpose as one loop on the heap", () => {
  beforeAll(async () => {
    registerWasmTranspose()
    registerWasmTranspose() // idempotent
    await tf.setBackend("wasm")
  })

  it("equals the cpu backend's transpose for every rank up to 5 (5: tfjs's own kernel), dtype and permutation", async () => {
    await fc.assert(
      fc.asyncProperty(shapeAndPerm(5), async ({ shape, perm, dtype }) => {
        const cpu = await transposed("cpu", shape, perm, dtype)
        const wasm = await transposed("wasm", shape, perm, dtype)
        expect(wasm).toEqual(cpu)
      }),
      { numRuns: 150 }
    )
  })

  it("moves the Gal CNN's activations as the convolution gradients ask: [2, 3, 4, 5] by [3, 1, 2, 0], worked by hand", async () => {
    const { shape, values } = await transposed("wasm", [2, 3, 4, 5], [3, 1, 2, 0], "float32")
    expect(shape).toEqual([5, 3, 4, 2])
    // out[d, b, c, a] = x[a, b, c, d]; x[a, b, c, d] = sin(60a + 20b + 5c + d) · 100
    const at = (a: number, b: number, c: number, d: number) => values[((d * 3 + b) * 4 + c) * 2 + a]
    expect(at(1, 2, 3, 4)).toBeCloseTo(Math.sin(60 + 40 + 15 + 4) * 100, 4)
    expect(at(0, 1, 0, 3)).toBeCloseTo(Math.sin(20 + 3) * 100, 4)
  })
})
