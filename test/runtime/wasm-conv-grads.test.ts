import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import "@tensorflow/tfjs-backend-wasm"
// tfjs-core's node bundle registers no gradients; tfjs-layers' bundle registers them all.
import "@tensorflow/tfjs-layers"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { registerWasmConvGradients } from "../../src/runtime/wasm-conv-grads.js"

type Shape4 = [number, number, number, number]
type Pair = [number, number]
type Pad = "same" | "valid" | number | tf.backend_util.ExplicitPadding
type Format = "NHWC" | "NCHW"

/** mulberry32: a tiny seeded PRNG, values in [-1, 1). */
const randomData = (seed: number, size: number): Float32Array => {
  let a = seed >>> 0
  const out = new Float32Array(size)
  for (let i = 0; i < size; i++) {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1
  }
  return out
}

const size = (shape: ReadonlyArray<number>): number => shape.reduce((a, b) => a * b, 1)

/** |a - e| <= 1e-3 · max(|e|, 5% of max|e|), i.e. 1e-3 relative with a small absolute floor. */
const assertClose = (actual: Float32Array, expected: Float32Array, what: string): void => {
  expect(actual.length, `${what}: length`).toBe(expected.length)
  let scale = 1e-6
  for (const e of expected) scale = Math.max(scale, Math.abs(e))
  for (let i = 0; i < expected.length; i++) {
    const tol = 1e-3 * Math.max(Math.abs(expected[i]), 0.05 * scale)
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      throw new Error(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]} (tol ${tol})`)
    }
  }
}

const onBackend = async <T>(name: "cpu" | "wasm", fn: () => T): Promise<T> => {
  await tf.setBackend(name)
  return fn()
}

interface ConvCase {
  readonly n: number
  readonly h: number
  readonly w: number
  readonly ci: number
  readonly co: number
  readonly fh: number
  readonly fw: number
  readonly strides: Pair
  readonly dilations: Pair
  readonly pad: Pad
  readonly dataFormat: Format
  readonly seed: number
}

const xShapeOf = (c: ConvCase): Shape4 =>
  c.dataFormat === "NHWC" ? [c.n, c.h, c.w, c.ci] : [c.n, c.ci, c.h, c.w]
const filterShapeOf = (c: ConvCase): Shape4 => [c.fh, c.fw, c.ci, c.co]
const dyShapeOf = (c: ConvCase): Shape4 => {
  const info = tf.backend_util.computeConv2DInfo(
    xShapeOf(c),
    filterShapeOf(c),
    c.strides,
    c.dilations,
    c.pad,
    undefined,
    false,
    c.dataFormat === "NHWC" ? "channelsLast" : "channelsFirst"
  )
  return info.outShape
}

/** Shapes for which the forward conv is defined with at least one output pixel. */
const convCase = (opts: { explicitPads: boolean; nchw: boolean; maxDilation: number }): fc.Arbitrary<ConvCase> =>
  fc
    .record({
      n: fc.integer({ min: 1, max: 3 }),
      h: fc.integer({ min: 3, max: 12 }),
      w: fc.integer({ min: 3, max: 12 }),
      ci: fc.integer({ min: 1, max: 4 }),
      co: fc.integer({ min: 1, max: 4 }),
      fh: fc.integer({ min: 1, max: 5 }),
      fw: fc.integer({ min: 1, max: 5 }),
      strides: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      dilations: fc.tuple(fc.integer({ min: 1, max: opts.maxDilation }), fc.integer({ min: 1, max: opts.maxDilation })),
      pad: fc.oneof(
        fc.constant<Pad>("same"),
        fc.constant<Pad>("valid"),
        fc.integer({ min: 0, max: 2 }) as fc.Arbitrary<Pad>,
        ...(opts.explicitPads
          ? [
              fc
                .tuple(
                  fc.integer({ min: 0, max: 2 }),
                  fc.integer({ min: 0, max: 2 }),
                  fc.integer({ min: 0, max: 2 }),
                  fc.integer({ min: 0, max: 2 })
                )
                .map(([t, b, l, r]): Pad => [
                  [0, 0],
                  [t, b],
                  [l, r],
                  [0, 0]
                ])
            ]
          : [])
      ),
      dataFormat: opts.nchw ? fc.constantFrom<Format>("NHWC", "NCHW") : fc.constant<Format>("NHWC"),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 })
    })
    .map((c): ConvCase => {
      // Explicit pads are given in the data format's axis order.
      if (Array.isArray(c.pad) && c.dataFormat === "NCHW") {
        const p = c.pad as tf.backend_util.ExplicitPadding
        return { ...c, pad: [p[0], p[3], p[1], p[2]] }
      }
      return c
    })
    .filter((c) => {
      const feh = (c.fh - 1) * c.dilations[0] + 1
      const few = (c.fw - 1) * c.dilations[1] + 1
      const [padH, padW] =
        c.pad === "same"
          ? [feh, few]
          : c.pad === "valid"
            ? [0, 0]
            : typeof c.pad === "number"
              ? [2 * c.pad, 2 * c.pad]
              : c.dataFormat === "NHWC"
                ? [c.pad[1][0] + c.pad[1][1], c.pad[2][0] + c.pad[2][1]]
                : [c.pad[2][0] + c.pad[2][1], c.pad[3][0] + c.pad[3][1]]
      // (tfjs-core sizes a numeric pad's width with the filter height: require a positive size.)
      return feh <= c.h + padH && few <= c.w + padW && dyShapeOf(c).every((v) => v > 0)
    })

const describeCase = (c: ConvCase): string => JSON.stringify(c)

/**
 * tfjs-core computes the output *width* of a numeric pad with filterHeight and strideHeight
 * (conv_util.computeOutputShape2D), so for numeric pads with fh != fw or sh != sw its shape
 * disagrees with the true one and tfjs-backend-wasm's own forward Conv2D writes out of bounds
 * (an upstream bug, unrelated to the gradient kernels). Forward convs on wasm avoid that case;
 * the raw-kernel tests still cover it (both backends follow tfjs-core's shape there).
 */
const forwardSafeOnWasm = (c: ConvCase): boolean => {
  if (typeof c.pad !== "number") return true
  const trueW = Math.trunc((c.w - c.fw + 2 * c.pad) / c.strides[1] + 1)
  return dyShapeOf(c)[2] === trueW
}

interface Data {
  readonly x: Float32Array
  readonly filter: Float32Array
  readonly dy: Float32Array
}
const dataOf = (c: ConvCase): Data => ({
  x: randomData(c.seed, size(xShapeOf(c))),
  filter: randomData(c.seed ^ 0x9e3779b9, size(filterShapeOf(c))),
  dy: randomData(c.seed ^ 0x85ebca6b, size(dyShapeOf(c)))
})

/** dL/dx and dL/dW of L = Σ conv2d(x, W) ⊙ R via tf.grads (NHWC, dilation 1). */
const convGrads = (c: ConvCase, d: Data): [Float32Array, Float32Array] =>
  tf.tidy(() => {
    const x = tf.tensor4d(d.x, xShapeOf(c))
    const w = tf.tensor4d(d.filter, filterShapeOf(c))
    const r = tf.tensor4d(d.dy, dyShapeOf(c))
    const f = (a: tf.Tensor, b: tf.Tensor): tf.Tensor =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad as "same"), r))
    const [dx, dw] = tf.grads(f)([x, w])
    return [dx.dataSync() as Float32Array, dw.dataSync() as Float32Array]
  })

const rawKernels = (c: ConvCase, d: Data, dilationsAttr: boolean): [Float32Array, Float32Array] =>
  tf.tidy(() => {
    const x = tf.tensor4d(d.x, xShapeOf(c))
    const w = tf.tensor4d(d.filter, filterShapeOf(c))
    const dy = tf.tensor4d(d.dy, dyShapeOf(c))
    const common = {
      strides: c.strides,
      pad: c.pad,
      dataFormat: c.dataFormat,
      dimRoundingMode: undefined,
      ...(dilationsAttr ? { dilations: c.dilations } : {})
    }
    const dx = tf
      .engine()
      .runKernel("Conv2DBackpropInput", { dy, filter: w }, { ...common, inputShape: xShapeOf(c) } as never) as tf.Tensor
    const dw = tf
      .engine()
      .runKernel("Conv2DBackpropFilter", { x, dy }, { ...common, filterShape: filterShapeOf(c) } as never) as tf.Tensor
    expect(dx.shape).toEqual(xShapeOf(c))
    expect(dw.shape).toEqual(filterShapeOf(c))
    return [dx.dataSync() as Float32Array, dw.dataSync() as Float32Array]
  })

/** Zero-inserts a [fh, fw, ci, co] filter for dilations d: the equivalent undilated filter. */
const dilateFilter = (c: ConvCase, f: Float32Array): { shape: Shape4; data: Float32Array } => {
  const [dh, dw] = c.dilations
  const eh = (c.fh - 1) * dh + 1
  const ew = (c.fw - 1) * dw + 1
  const inner = c.ci * c.co
  const data = new Float32Array(eh * ew * inner)
  for (let i = 0; i < c.fh; i++)
    for (let j = 0; j < c.fw; j++)
      for (let k = 0; k < inner; k++) data[(i * dh * ew + j * dw) * inner + k] = f[(i * c.fw + j) * inner + k]
  return { shape: [eh, ew, c.ci, c.co], data }
}

/** Takes every d-th tap of an [eh, ew, ci, co] filter gradient: the dilated filter's gradient. */
const subsampleFilter = (c: ConvCase, g: Float32Array): Float32Array => {
  const [dh, dw] = c.dilations
  const ew = (c.fw - 1) * dw + 1
  const inner = c.ci * c.co
  const out = new Float32Array(c.fh * c.fw * inner)
  for (let i = 0; i < c.fh; i++)
    for (let j = 0; j < c.fw; j++)
      for (let k = 0; k < inner; k++) out[(i * c.fw + j) * inner + k] = g[(i * dh * ew + j * dw) * inner + k]
  return out
}

const numDataIds = (): number => tf.engine().backend.numDataIds()

describe("wasm conv gradients", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu")
    await tf.setBackend("wasm")
    registerWasmConvGradients()
    registerWasmConvGradients() // idempotent
    // Makes the engine verify that every kernel frees its intermediates.
    tf.env().set("IS_TEST", true)
  })

  it("registers both kernels for wasm", () => {
    const names = tf.getKernelsForBackend("wasm").map((k) => k.kernelName)
    expect(names).toContain("Conv2DBackpropFilter")
    expect(names).toContain("Conv2DBackpropInput")
  })

  it("tf.grads of conv2d on wasm equals cpu", async () => {
    await fc.assert(
      fc.asyncProperty(convCase({ explicitPads: false, nchw: false, maxDilation: 1 }).filter(forwardSafeOnWasm), async (c) => {
        const d = dataOf(c)
        const [cpuDx, cpuDw] = await onBackend("cpu", () => convGrads(c, d))
        const [wasmDx, wasmDw] = await onBackend("wasm", () => convGrads(c, d))
        assertClose(wasmDx, cpuDx, `dx ${describeCase(c)}`)
        assertClose(wasmDw, cpuDw, `dW ${describeCase(c)}`)
      }),
      { numRuns: 35, seed: 20240611 }
    )
  })

  it("raw Conv2DBackpropInput/Filter kernels on wasm equal cpu (NHWC/NCHW, explicit pads)", async () => {
    await fc.assert(
      fc.asyncProperty(convCase({ explicitPads: true, nchw: true, maxDilation: 1 }), async (c) => {
        const d = dataOf(c)
        const [cpuDx, cpuDw] = await onBackend("cpu", () => rawKernels(c, d, false))
        const [wasmDx, wasmDw] = await onBackend("wasm", () => rawKernels(c, d, false))
        assertClose(wasmDx, cpuDx, `dx ${describeCase(c)}`)
        assertClose(wasmDw, cpuDw, `dW ${describeCase(c)}`)
      }),
      { numRuns: 35, seed: 7 }
    )
  })

  it("honours a dilations attr (checked against cpu via the zero-inserted filter)", async () => {
    await fc.assert(
      fc.asyncProperty(convCase({ explicitPads: true, nchw: true, maxDilation: 3 }), async (c) => {
        const d = dataOf(c)
        const dil = dilateFilter(c, d.filter)
        const eq: ConvCase = {
          ...c,
          fh: dil.shape[0],
          fw: dil.shape[1],
          dilations: [1, 1]
        }
        const [cpuDx, cpuDwDense] = await onBackend("cpu", () => rawKernels(eq, { ...d, filter: dil.data }, false))
        const [wasmDx, wasmDw] = await onBackend("wasm", () => rawKernels(c, d, true))
        assertClose(wasmDx, cpuDx, `dx ${describeCase(c)}`)
        assertClose(wasmDw, subsampleFilter(c, cpuDwDense), `dW ${describeCase(c)}`)
      }),
      { numRuns: 20, seed: 11 }
    )
  })

  it("matches finite differences on a tiny case", async () => {
    await tf.setBackend("wasm")
    const xShape: Shape4 = [1, 5, 5, 2]
    const wShape: Shape4 = [3, 3, 2, 2]
    const strides: Pair = [2, 2]
    const x0 = randomData(1, size(xShape))
    const w0 = randomData(2, size(wShape))
    const outShape = tf.backend_util.computeConv2DInfo(xShape, wShape, strides, 1, "same").outShape
    const r = randomData(3, size(outShape))
    const loss = (xv: Float32Array, wv: Float32Array): number =>
      tf.tidy(() =>
        tf
          .sum(tf.mul(tf.conv2d(tf.tensor4d(xv, xShape), tf.tensor4d(wv, wShape), strides, "same"), tf.tensor4d(r, outShape)))
          .dataSync()[0]
      )
    const [gx, gw] = tf.tidy(() => {
      const f = (a: tf.Tensor, b: tf.Tensor): tf.Tensor =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, "same"), tf.tensor4d(r, outShape)))
      const [dx, dw] = tf.grads(f)([tf.tensor4d(x0, xShape), tf.tensor4d(w0, wShape)])
      return [dx.dataSync() as Float32Array, dw.dataSync() as Float32Array]
    })
    // The loss is linear in each argument, so a central difference is exact up to rounding.
    const eps = 0.5
    const numeric = (v: Float32Array, f: (p: Float32Array) => number): Float32Array =>
      Float32Array.from(v, (_, i) => {
        const plus = Float32Array.from(v)
        const minus = Float32Array.from(v)
        plus[i] += eps
        minus[i] -= eps
        return (f(plus) - f(minus)) / (2 * eps)
      })
    assertClose(gx, numeric(x0, (p) => loss(p, w0)), "dx vs finite differences")
    assertClose(gw, numeric(w0, (p) => loss(x0, p)), "dW vs finite differences")
  })

  it("leaks no tensors and no backend data", async () => {
    await tf.setBackend("wasm")
    const x = tf.tensor4d(randomData(4, 2 * 9 * 9 * 3), [2, 9, 9, 3])
    const w = tf.tensor4d(randomData(5, 3 * 3 * 3 * 4), [3, 3, 3, 4])
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same")))
    tf.dispose(g([x, w])) // warm-up
    const tensorsBefore = tf.memory().numTensors
    const idsBefore = numDataIds()
    for (let i = 0; i < 25; i++) {
      const [dx, dw] = g([x, w])
      dx.dataSync()
      dw.dataSync()
      tf.dispose([dx, dw])
      const dy = tf.ones([2, 3, 3, 4])
      const raw = [
        tf.conv2dTranspose(dy as tf.Tensor4D, w, [2, 9, 9, 3], 3, "valid"),
        tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
          strides: 3,
          pad: "valid",
          dataFormat: "NHWC",
          filterShape: [3, 3, 3, 4]
        } as never) as tf.Tensor
      ]
      tf.dispose([dy, ...raw])
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore)
    expect(numDataIds()).toBe(idsBefore)
    tf.dispose([x, w])
  })

  it("rejects dy that does not match the conv output shape", async () => {
    await tf.setBackend("wasm")
    const before = numDataIds()
    expect(() =>
      tf.tidy(() =>
        tf.engine().runKernel("Conv2DBackpropFilter", { x: tf.zeros([1, 5, 5, 1]), dy: tf.zeros([1, 4, 4, 1]) }, {
          strides: 1,
          pad: "valid",
          dataFormat: "NHWC",
          filterShape: [3, 3, 1, 1]
        } as never)
      )
    ).toThrow(/does not match/)
    expect(numDataIds()).toBe(before)
  })
})
