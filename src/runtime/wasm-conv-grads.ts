/**
 * Fast `Conv2DBackpropFilter` / `Conv2DBackpropInput` kernels for the tfjs **wasm** backend,
 * expressed entirely with the wasm backend's own (XNNPACK-backed) kernels: `Conv2D`,
 * `Transpose`, `PadV2`, `Reverse`, `Slice`, `Reshape` (and `Fill` for degenerate shapes).
 *
 * Why: tfjs-backend-wasm 4.x registers no `Conv2DBackpropFilter` at all (conv nets cannot
 * train on wasm) and its `Conv2DBackpropInput` is a naive loop, ~20x slower than its forward
 * `Conv2D`. Both gradients are themselves convolutions, so they can ride on XNNPACK.
 *
 * Notation, per spatial dimension (height; width is identical): input length H, filter length
 * f, dilation d (effective filter length fe = (f-1)·d + 1), stride s, leading pad p (from
 * `backend_util.computeConv2DInfo`: 'same', 'valid', a number or explicit pads), output length
 * O. The forward correlation is
 *
 *     y[n, o, co] = Σ_{k, ci} x[n, o·s + k·d − p, ci] · W[k, ci, co]      (x = 0 outside [0, H))
 *
 * **Filter gradient.** dW[k, ci, co] = Σ_{n, o} x[n, o·s + k·d − p, ci] · dy[n, o, co].
 * Swap the roles of batch and channels: with X' = x transposed to [Ci, H, W, N] (padded by p in
 * front and enough zeros behind) and F = dy transposed to [Oh, Ow, N, Co],
 *
 *     dW[k, ci, co] = Σ_{o, n} X'[ci, k·d + o·s, n] · F[o, n, co]
 *
 * which is exactly a `Conv2D` of X' with filter F, **dilation s** and **stride d**; its output
 * [Ci, fh', fw', Co] is cropped to fh × fw and transposed to [fh, fw, Ci, Co]. (For NCHW,
 * x → [Ci, H, W, N] and dy → [Oh, Ow, N, Co] are single transposes as well.)
 *
 * **Input gradient (sub-pixel form of the transposed convolution).** With the dilated filter
 * We[j] = W[j/d] (zero unless d | j), dx[i] = Σ_{o, j : o·s + j − p = i} dy[o] · We[j]. Put
 * i + p = q·s + r (0 ≤ r < s) and j = m·s + r (0 ≤ m < M = ⌈fe/s⌉, We zero-padded to M·s):
 *
 *     dx[q·s + r − p] = Σ_m dy[q − m] · We[m·s + r]
 *
 * i.e. for every phase r a *stride-1* correlation of dy with the sub-filter We[(M−1−m')·s + r].
 * All phases are computed by one stride-1 `Conv2D` of dy (zero-padded by M−1−⌊p/s⌋ in front)
 * with the filter G[m', co, (rh, rw, ci)] = We[(M−1−m')·s + r, ci, co] — that is We padded to
 * M·s, the m axis reversed, in/out channels swapped — producing sh·sw·Ci channels, followed by
 * a depth-to-space interleave (reshape + transpose + reshape) and a crop to [0, H). For s = 1
 * this is the familiar "full correlation with the 180°-rotated, channel-swapped filter"; for
 * s > 1 it avoids the s² wasted work of inserting zeros between the dy samples.
 *
 * Kernels call other kernels directly (not ops), so nothing is recorded on a gradient tape and
 * every intermediate `TensorInfo` is released with `backend.disposeData` before returning.
 */
import * as tf from "@tensorflow/tfjs-core"
import type { KernelBackend, KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from "@tensorflow/tfjs-core"

type ExplicitPadding = tf.backend_util.ExplicitPadding
type Pad = "valid" | "same" | number | ExplicitPadding
type Shape4 = [number, number, number, number]
type Pair = [number, number]

interface BackpropFilterAttrs {
  readonly strides: number | Pair
  readonly pad: Pad
  readonly dataFormat?: "NHWC" | "NCHW"
  readonly dimRoundingMode?: "floor" | "round" | "ceil"
  readonly filterShape: Shape4
  /** Not part of tfjs-core's attrs (its conv2d gradient requires dilation 1); honoured if present. */
  readonly dilations?: number | Pair
}

interface BackpropInputAttrs {
  readonly strides: number | Pair
  readonly pad: Pad
  readonly dataFormat?: "NHWC" | "NCHW"
  readonly dimRoundingMode?: "floor" | "round" | "ceil"
  readonly inputShape: Shape4
  /** Not part of tfjs-core's attrs (its conv2d gradient requires dilation 1); honoured if present. */
  readonly dilations?: number | Pair
}

const BACKEND = "wasm"

const pair = (v: number | Pair | undefined, name: string): Pair => {
  const p: Pair = v === undefined ? [1, 1] : typeof v === "number" ? [v, v] : [v[0], v[1]]
  if (!p.every((e) => Number.isInteger(e) && e >= 1)) {
    throw new Error(`wasm conv gradients: ${name} must be positive integers, got ${JSON.stringify(v)}`)
  }
  return p
}

const sameShape = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): boolean =>
  a.length === b.length && a.every((e, i) => e === b[i])

/**
 * Runs wasm kernels directly and remembers every output so that all intermediates can be
 * released at the end (Reshape shares its input's data and bumps the ref count, so disposing
 * every produced TensorInfo exactly once is always balanced).
 */
class KernelScope {
  private readonly produced: TensorInfo[] = []
  constructor(private readonly backend: KernelBackend) {}

  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
    const kernel = tf.getKernel(kernelName, BACKEND) as KernelConfig | undefined
    if (kernel === undefined) {
      throw new Error(`wasm conv gradients: kernel '${kernelName}' is not registered for '${BACKEND}'`)
    }
    const out = kernel.kernelFunc({ inputs, attrs, backend: this.backend })
    if (Array.isArray(out)) throw new Error(`wasm conv gradients: kernel '${kernelName}' returned several outputs`)
    this.produced.push(out)
    return out
  }

  reshape(x: TensorInfo, shape: ReadonlyArray<number>): TensorInfo {
    if (sameShape(x.shape, shape)) return x
    return this.run("Reshape", { x }, { shape: [...shape] })
  }

  /** Transpose, or a free reshape when the permutation only moves size-1 axes. */
  transpose(x: TensorInfo, perm: ReadonlyArray<number>): TensorInfo {
    const outShape = perm.map((p) => x.shape[p])
    const moved = perm.filter((p) => x.shape[p] !== 1)
    if (moved.every((p, i) => i === 0 || moved[i - 1] < p)) return this.reshape(x, outShape)
    return this.run("Transpose", { x }, { perm: [...perm] })
  }

  /** Crop to [begin, begin + size) on every axis; a no-op when that is the whole tensor. */
  slice(x: TensorInfo, begin: ReadonlyArray<number>, size: ReadonlyArray<number>): TensorInfo {
    if (begin.every((b) => b === 0) && sameShape(size, x.shape)) return x
    return this.run("Slice", { x }, { begin: [...begin], size: [...size] })
  }

  /** Zero padding (non-negative pads); a no-op when all pads are zero. */
  pad(x: TensorInfo, paddings: ReadonlyArray<Pair>): TensorInfo {
    if (paddings.every(([a, b]) => a === 0 && b === 0)) return x
    return this.run("PadV2", { x }, { paddings: paddings.map(([a, b]) => [a, b]), constantValue: 0 })
  }

  reverse(x: TensorInfo, dims: ReadonlyArray<number>): TensorInfo {
    const axes = dims.filter((d) => x.shape[d] > 1)
    if (axes.length === 0) return x
    return this.run("Reverse", { x }, { dims: axes })
  }

  zeros(shape: ReadonlyArray<number>): TensorInfo {
    return this.run("Fill", {}, { shape: [...shape], value: 0, dtype: "float32" })
  }

  conv2d(x: TensorInfo, filter: TensorInfo, strides: Pair, dilations: Pair, pads: [Pair, Pair]): TensorInfo {
    const pad: ExplicitPadding = [[0, 0], pads[0], pads[1], [0, 0]]
    return this.run("Conv2D", { x, filter }, { strides, pad, dataFormat: "NHWC", dilations })
  }

  /** Releases every intermediate except `keep`, and returns `keep`. */
  finish(keep: TensorInfo): TensorInfo {
    for (const t of this.produced) if (t !== keep) this.backend.disposeData(t.dataId)
    this.produced.length = 0
    return keep
  }

  /** Releases everything (error path). */
  abort(): void {
    for (const t of this.produced) this.backend.disposeData(t.dataId)
    this.produced.length = 0
  }
}

const withScope = (backend: KernelBackend, body: (s: KernelScope) => TensorInfo): TensorInfo => {
  const scope = new KernelScope(backend)
  try {
    return scope.finish(body(scope))
  } catch (e) {
    scope.abort()
    throw e
  }
}

const convInfoOf = (
  inShape: Shape4,
  filterShape: Shape4,
  strides: Pair,
  dilations: Pair,
  pad: Pad,
  dimRoundingMode: "floor" | "round" | "ceil" | undefined,
  dataFormat: "NHWC" | "NCHW" | undefined
): tf.backend_util.Conv2DInfo => {
  if (dataFormat !== undefined && dataFormat !== "NHWC" && dataFormat !== "NCHW") {
    throw new Error(`wasm conv gradients: unsupported dataFormat '${String(dataFormat)}'`)
  }
  return tf.backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(dataFormat ?? "NHWC")
  )
}

/** dW for x (NHWC or NCHW) and dy, see the module comment. */
const conv2DBackpropFilter = (args: { inputs: NamedTensorInfoMap; backend: {}; attrs?: NamedAttrMap }): TensorInfo => {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo }
  const attrs = args.attrs as unknown as BackpropFilterAttrs
  const backend = args.backend as KernelBackend
  const strides = pair(attrs.strides, "strides")
  const dilations = pair(attrs.dilations, "dilations")
  if (x.shape.length !== 4 || dy.shape.length !== 4) {
    throw new Error(`wasm Conv2DBackpropFilter: x and dy must be rank 4, got [${x.shape}] and [${dy.shape}]`)
  }
  const info = convInfoOf(
    x.shape as Shape4,
    attrs.filterShape,
    strides,
    dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    attrs.dataFormat
  )
  const nhwc = info.dataFormat === "channelsLast"
  const outShape = nhwc
    ? [info.batchSize, info.outHeight, info.outWidth, info.outChannels]
    : [info.batchSize, info.outChannels, info.outHeight, info.outWidth]
  if (!sameShape(dy.shape, outShape)) {
    throw new Error(`wasm Conv2DBackpropFilter: dy shape [${dy.shape}] does not match the conv output [${outShape}]`)
  }
  const [fh, fw] = [info.filterHeight, info.filterWidth]
  const [sh, sw] = strides
  const [dh, dw] = dilations
  const { top, left } = info.padInfo
  const N = info.batchSize
  const Ci = info.inChannels
  const Co = info.outChannels
  const [H, W] = [info.inHeight, info.inWidth]
  const [Oh, Ow] = [info.outHeight, info.outWidth]
  if (N === 0 || Oh === 0 || Ow === 0 || Co === 0 || Ci === 0) {
    return withScope(backend, (s) => s.zeros([fh, fw, Ci, Co]))
  }
  return withScope(backend, (s) => {
    const xT = s.transpose(x, nhwc ? [3, 1, 2, 0] : [1, 2, 3, 0]) // [Ci, H, W, N]
    const dyT = s.transpose(dy, nhwc ? [1, 2, 0, 3] : [2, 3, 0, 1]) // [Oh, Ow, N, Co]
    // Trailing zeros so that the (dilation s, stride d) conv yields at least f outputs; rows
    // past the last one any output reads are simply never touched.
    const needH = (fh - 1) * dh + 1 + (Oh - 1) * sh
    const needW = (fw - 1) * dw + 1 + (Ow - 1) * sw
    const bottom = Math.max(0, needH - H - top)
    const right = Math.max(0, needW - W - left)
    const g = s.conv2d(xT, dyT, dilations, strides, [
      [top, bottom],
      [left, right]
    ]) // [Ci, >= fh, >= fw, Co]
    const cropped = s.slice(g, [0, 0, 0, 0], [Ci, fh, fw, Co])
    return s.transpose(cropped, [1, 2, 0, 3]) // [fh, fw, Ci, Co]
  })
}

/** dx for dy (NHWC or NCHW) and filter [fh, fw, Ci, Co], see the module comment. */
const conv2DBackpropInput = (args: { inputs: NamedTensorInfoMap; backend: {}; attrs?: NamedAttrMap }): TensorInfo => {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo }
  const attrs = args.attrs as unknown as BackpropInputAttrs
  const backend = args.backend as KernelBackend
  const strides = pair(attrs.strides, "strides")
  const dilations = pair(attrs.dilations, "dilations")
  if (dy.shape.length !== 4 || filter.shape.length !== 4) {
    throw new Error(`wasm Conv2DBackpropInput: dy and filter must be rank 4, got [${dy.shape}] and [${filter.shape}]`)
  }
  const info = convInfoOf(
    attrs.inputShape,
    filter.shape as Shape4,
    strides,
    dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    attrs.dataFormat
  )
  const nhwc = info.dataFormat === "channelsLast"
  const outShape = nhwc
    ? [info.batchSize, info.outHeight, info.outWidth, info.outChannels]
    : [info.batchSize, info.outChannels, info.outHeight, info.outWidth]
  if (!sameShape(dy.shape, outShape)) {
    throw new Error(`wasm Conv2DBackpropInput: dy shape [${dy.shape}] does not match the conv output [${outShape}]`)
  }
  const [fh, fw] = [info.filterHeight, info.filterWidth]
  const [sh, sw] = strides
  const [dh, dw] = dilations
  const N = info.batchSize
  const Ci = info.inChannels
  const Co = info.outChannels
  const [H, W] = [info.inHeight, info.inWidth]
  const [Oh, Ow] = [info.outHeight, info.outWidth]
  const dxShape = nhwc ? [N, H, W, Ci] : [N, Ci, H, W]

  // Per spatial dimension: effective filter length, number of taps per phase, first phase row
  // needed, number of phase rows needed, and the front/back zero padding of dy (negative = crop).
  const plan = (f: number, d: number, s: number, p: number, len: number, out: number) => {
    const fe = (f - 1) * d + 1
    const M = Math.ceil(fe / s)
    const t = Math.floor(p / s)
    const Q = Math.ceil((p + len) / s) - t
    const a = M - 1 - t
    const b = Q + M - 1 - a - out
    return { fe, M, t, Q, a, b, offset: p - t * s }
  }
  const ph = plan(fh, dh, sh, info.padInfo.top, H, Oh)
  const pw = plan(fw, dw, sw, info.padInfo.left, W, Ow)
  // dy rows actually read after cropping negative pads.
  const keepH = Oh + Math.min(0, ph.a) + Math.min(0, ph.b)
  const keepW = Ow + Math.min(0, pw.a) + Math.min(0, pw.b)
  if (N === 0 || Ci === 0 || Co === 0 || keepH <= 0 || keepW <= 0) {
    return withScope(backend, (s) => s.zeros(dxShape))
  }

  return withScope(backend, (s) => {
    // --- filter: [fh, fw, Ci, Co] -> G [Mh, Mw, Co, sh·sw·Ci] ---
    let w = filter
    if (dh > 1 || dw > 1) {
      // Zero-insert the dilation: [fh, 1, fw, 1, Ci·Co] padded to [fh, dh, fw, dw, Ci·Co].
      w = s.reshape(w, [fh, 1, fw, 1, Ci * Co])
      w = s.pad(w, [
        [0, 0],
        [0, dh - 1],
        [0, 0],
        [0, dw - 1],
        [0, 0]
      ])
      w = s.reshape(w, [fh * dh, fw * dw, Ci, Co])
    }
    // Fit each spatial extent to M·s: entries past fe are zeros either way.
    const lenH = w.shape[0]
    const lenW = w.shape[1]
    const targetH = ph.M * sh
    const targetW = pw.M * sw
    w = s.slice(w, [0, 0, 0, 0], [Math.min(lenH, targetH), Math.min(lenW, targetW), Ci, Co])
    w = s.pad(w, [
      [0, Math.max(0, targetH - lenH)],
      [0, Math.max(0, targetW - lenW)],
      [0, 0],
      [0, 0]
    ])
    w = s.reshape(w, [ph.M, sh, pw.M, sw * Ci * Co])
    w = s.reverse(w, [0, 2])
    w = s.reshape(w, [ph.M, sh, pw.M, sw, Ci, Co])
    w = s.transpose(w, [0, 2, 5, 1, 3, 4]) // [Mh, Mw, Co, sh, sw, Ci]
    const g = s.reshape(w, [ph.M, pw.M, Co, sh * sw * Ci])

    // --- dy: NHWC, crop where the front/back pad would be negative ---
    let y = nhwc ? dy : s.transpose(dy, [0, 2, 3, 1])
    y = s.slice(y, [0, Math.max(0, -ph.a), Math.max(0, -pw.a), 0], [N, keepH, keepW, Co])
    const z = s.conv2d(y, g, [1, 1], [1, 1], [
      [Math.max(0, ph.a), Math.max(0, ph.b)],
      [Math.max(0, pw.a), Math.max(0, pw.b)]
    ]) // [N, Qh, Qw, sh·sw·Ci]

    // --- depth to space, crop to the input window, back to the data format ---
    let u = s.reshape(z, [N, ph.Q, pw.Q, sh, sw, Ci])
    u = s.transpose(u, [0, 1, 3, 2, 4, 5])
    u = s.reshape(u, [N, ph.Q * sh, pw.Q * sw, Ci])
    u = s.slice(u, [0, ph.offset, pw.offset, 0], [N, H, W, Ci])
    return nhwc ? u : s.transpose(u, [0, 3, 1, 2])
  })
}

const filterConfig: KernelConfig = {
  kernelName: "Conv2DBackpropFilter",
  backendName: BACKEND,
  kernelFunc: conv2DBackpropFilter
}

const inputConfig: KernelConfig = {
  kernelName: "Conv2DBackpropInput",
  backendName: BACKEND,
  kernelFunc: conv2DBackpropInput
}

const isRegistered = (kernelName: string): boolean =>
  (tf.getKernel(kernelName, BACKEND) as KernelConfig | undefined) !== undefined

/**
 * Registers the fast `Conv2DBackpropFilter` and `Conv2DBackpropInput` kernels for the 'wasm'
 * backend, replacing whatever is registered under those names. Idempotent. Works before or
 * after the wasm backend has been initialised (the kernels need no setup).
 */
export const registerWasmConvGradients = (): void => {
  for (const config of [filterConfig, inputConfig]) {
    if (isRegistered(config.kernelName)) tf.unregisterKernel(config.kernelName, BACKEND)
    tf.registerKernel(config)
  }
}
