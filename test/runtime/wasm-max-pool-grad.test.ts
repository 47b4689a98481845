import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import "@tensorflow/tfjs-backend-wasm"
// tfjs-core's node bundle registers no gradients; tfjs-layers' bundle registers them all.
import "@tensorflow/tfjs-layers"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { registerWasmMaxPoolGrad, wasmMaxPoolGrad } from "../../src/runtime/wasm-max-pool-grad.js"

/** Small integers, so that windows hold ties. */
const values = (n: number, seed: number, levels: number) => Float32Array.from({ length: n }, (_, i) => Math.floor(((Math.sin(seed * 12.9 + i * 78.2) + 1) / 2) * levels))

const poolGradient = (xv: Float32Array, shape: [number, number, number, number], f: [number, number], s: [number, number], pad: "valid" | "same" | number) =>
  tf.tidy(() => {
    const x = tf.tensor4d(xv, shape)
    const y = tf.maxPool(x, f, s, pad)
    const dy = tf.tensor(Float32Array.from({ length: y.size }, (_, i) => 1 + (i % 7)), y.shape)
    return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, f, s, pad), dy)))(x).dataSync()
  })

describe("wasm MaxPoolGrad", () => {
  beforeAll(async () => {
    registerWasmMaxPoolGrad()
    registerWasmMaxPoolGrad() // idempotent
    await tf.setBackend("wasm")
  })

  it("is the kernel registered for wasm", () => {
    expect(tf.getKernel("MaxPoolGrad", "wasm")?.kernelFunc).toBe(wasmMaxPoolGrad.kernelFunc)
  })

  it("routes each window's gradient to its first maximum, summing overlaps, as the cpu backend does", () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 1, max: 3 }),
          h: fc.integer({ min: 1, max: 9 }),
          w: fc.integer({ min: 1, max: 9 }),
          c: fc.integer({ min: 1, max: 4 }),
          fh: fc.integer({ min: 1, max: 3 }),
          fw: fc.integer({ min: 1, max: 3 }),
          sh: fc.integer({ min: 1, max: 3 }),
          sw: fc.integer({ min: 1, max: 3 }),
          // (numeric pads are left out: wasm's own forward MaxPool reads out of bounds with them)
          pad: fc.constantFrom<"valid" | "same">("valid", "same"),
          levels: fc.constantFrom(2, 5, 1000),
          seed: fc.integer({ min: 0, max: 1000 })
        }),
        ({ n, h, w, c, fh, fw, sh, sw, pad, levels, seed }) => {
          fc.pre(pad !== "valid" || (fh <= h && fw <= w))
          const shape: [number, number, number, number] = [n, h, w, c]
          const xv = values(n * h * w * c, seed, levels)
          tf.setBackend("cpu")
          const expected = poolGradient(xv, shape, [fh, fw], [sh, sw], pad)
          tf.setBackend("wasm")
          const before = tf.engine().backend.numDataIds()
          const actual = poolGradient(xv, shape, [fh, fw], [sh, sw], pad)
          expect(tf.engine().backend.numDataIds()).toBe(before)
          expect(actual).toEqual(expected)
        }
      ),
      { numRuns: 150 }
    )
  })
})
