/**
 * Fast `Conv2DBackpropFilter` / `Conv2DBackpropInput` kernels for the tfjs **wasm** backend,
 * expressed with the wasm backend's own kernels: the heavy lifting is its XNNPACK `Conv2D`,
 * the data movement its `Transpose`, `Slice` and `Reshape` (plus `Fill` for empty shapes).
 *
 * Why: tfjs-backend-wasm 4.x registers no `Conv2DBackpropFilter` at all (conv nets cannot
 * train on wasm) and its `Conv2DBackpropInput` is a scalar loop, 6–13x slower than its forward
 * `Conv2D` (bench/conv-kernels.ts). Both gradients are themselves convolutions, so they can
 * ride on XNNPACK.
 *
 * Notation, per spatial axis (height; width is identical): input length H, filter length f,
 * dilation d (effective filter length fe = (f−1)·d + 1), stride s, leading pad p (from
 * `backend_util.computeConv2DInfo`: 'same', 'valid', a number or explicit pads), output length
 * O. The forward correlation is
 *
 *     y[n, o, co] = Σ_{k, ci} x[n, o·s + k·d − p, ci] · W[k, ci, co]      (x = 0 outside [0, H))
 *
 * **Filter gradient.** dW[k, ci, co] = Σ_{n, o} x[n, o·s + k·d − p, ci] · dy[n, o, co].
 * Swap the roles of batch and channels: with X' = x transposed to [Ci, H, W, N] (zero-padded
 * by p in front and enough behind) and F = dy transposed to [Oh, Ow, N, Co],
 *
 *     dW[k, ci, co] = Σ_{o, n} X'[ci, k·d + o·s, n] · F[o, n, co]
 *
 * which is exactly a `Conv2D` of X' with filter F, **dilation s** and **stride d** (padding
 * passed to the conv as explicit pads); its output [Ci, ≥fh, ≥fw, Co] is cropped to fh × fw and
 * transposed to [fh, fw, Ci, Co]. For NCHW, x → [Ci, H, W, N] and dy → [Oh, Ow, N, Co] are
 * single transposes too.
 *
 * **Input gradient (blocked sub-pixel form of the transposed convolution).** With the dilated
 * filter We[j] = W[j/d] (zero unless d | j), dx[i] = Σ_{o, j : o·s + j − p = i} dy[o] · We[j].
 * The textbook route — insert s−1 zeros between dy samples, pad by fe−1−p, correlate with the
 * 180°-rotated, in/out-swapped filter — wastes s² of the work on zeros. Instead, group the
 * (padded) output in blocks of B = b·s rows, i + p = q·B + r (0 ≤ r < B), and write
 * o = q·b − m. Then j = m·s + r and, with M = ⌈fe/s⌉, T = M + b − 1 and u = M − 1 − m,
 *
 *     dx[q·B + r − p] = Σ_{u=0}^{T−1} dyp[q·b + u] · G[u, r],   G[u, r] = We[r + (M−1−u)·s]
 *
 * (dyp = dy zero-padded by M−1 in front; G = 0 outside [0, fe)). That is ONE `Conv2D` of dy
 * with stride b and the filter G[uh, uw, co, (rh, rw, ci)] — T_h × T_w taps, Co inputs,
 * B_h·B_w·Ci outputs — followed by a depth-to-space interleave (reshape + transpose + reshape)
 * and a crop to [0, H). b = 1 gives the plain sub-pixel decomposition (all s² stride phases at
 * once, no zeros multiplied; for s = 1 the rotated-filter full correlation). b > 1 is used only
 * to widen narrow outputs (s_h·s_w·Ci < 3, e.g. a first layer on grey images): XNNPACK computes
 * 8 output channels at a time, so 1 channel would waste 7/8 of it. G is a tiny re-indexing of W
 * (≤ T²·B²·Ci·Co values) and is built on the JS side. Negative front/back pads (large explicit
 * pads, rows no output reads) become a crop of dy.
 *
 * The kernels call other kernels directly (not ops), so nothing is recorded on a gradient tape;
 * every intermediate `TensorInfo` is released with `backend.disposeData` before returning (the
 * engine's IS_TEST leak check passes).
 */
import * as tf from "@tensorflow/tfjs-core"
import type { KernelBackend, KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from "@tensorflow/tfjs-core"

type ExplicitPadding = tf.backend_util.ExplicitPadding
type Pad = "valid" | "same" | number | ExplicitPadding
type Shape4 = [number, number, number, number]
type Pair = [number, number]

interface ConvAttrs {
  readonly strides: number | Pair
  readonly pad: Pad
  readonly dataFormat?: "NHWC" | "NCHW"
  readonly dimRoundingMode?: "floor" | "round" | "ceil"
  /** Not part of tfjs-core's attrs (its conv2d gradient requires dilation 1); honoured if present. */
  readonly dilations?: number | Pair
}

interface BackpropFilterAttrs extends ConvAttrs {
  readonly filterShape: Shape4
}

interface BackpropInputAttrs extends ConvAttrs {
  readonly inputShape: Shape4
}

/** The backends deal registers these kernels for (webgpu: a Gal CNN epoch takes 2.3× as long on llvmpipe with tfjs's own). */
export const CONV_GRADIENT_BACKENDS = ["wasm", "webgpu"] as const

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
    // the backend running this kernel: its own Conv2D, Transpose, … do the work
    const backendName = tf.getBackend()
    const kernel = tf.getKernel(kernelName, backendName) as KernelConfig | undefined
    if (kernel === undefined) {
      throw new Error(`wasm conv gradients: kernel '${kernelName}' is not registered for '${backendName}'`)
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

  /** Float32 values of a tensor (a copy). */
  read(x: TensorInfo): Float32Array {
    const v = this.backend.readSync(x.dataId)
    if (!(v instanceof Float32Array)) throw new Error(`wasm conv gradients: expected float32 data, got ${x.dtype}`)
    return v
  }

  /** A new float32 tensor holding `values`, released with the other intermediates. */
  write(values: Float32Array, shape: ReadonlyArray<number>): TensorInfo {
    const out: TensorInfo = { dataId: this.backend.write(values, [...shape], "float32"), shape: [...shape], dtype: "float32" }
    this.produced.push(out)
    return out
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
    // An input returned as is needs its own reference, like the wasm Reshape kernel takes.
    if (!this.produced.includes(keep)) this.backend.incRef(keep.dataId)
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

/** A conv's geometry as both gradients need it, with `dy` checked against the conv's output. */
interface ConvGeometry {
  readonly info: tf.backend_util.Conv2DInfo
  readonly nhwc: boolean
  readonly strides: Pair
  readonly dilations: Pair
}

const convGeometry = (kernel: string, inShape: Shape4, filterShape: Shape4, attrs: ConvAttrs, dy: TensorInfo): ConvGeometry => {
  const strides = pair(attrs.strides, "strides")
  const dilations = pair(attrs.dilations, "dilations")
  const { dataFormat } = attrs
  if (dataFormat !== undefined && dataFormat !== "NHWC" && dataFormat !== "NCHW") {
    throw new Error(`wasm conv gradients: unsupported dataFormat '${String(dataFormat)}'`)
  }
  const info = tf.backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    strides,
    dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(dataFormat ?? "NHWC")
  )
  const nhwc = info.dataFormat === "channelsLast"
  const outShape = nhwc
    ? [info.batchSize, info.outHeight, info.outWidth, info.outChannels]
    : [info.batchSize, info.outChannels, info.outHeight, info.outWidth]
  if (!sameShape(dy.shape, outShape)) {
    throw new Error(`wasm ${kernel}: dy shape [${dy.shape}] does not match the conv output [${outShape}]`)
  }
  return { info, nhwc, strides, dilations }
}

/** dW for x (NHWC or NCHW) and dy, see the module comment. */
const conv2DBackpropFilter = (args: { inputs: NamedTensorInfoMap; backend: {}; attrs?: NamedAttrMap }): TensorInfo => {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo }
  const attrs = args.attrs as unknown as BackpropFilterAttrs
  const backend = args.backend as KernelBackend
  if (x.shape.length !== 4 || dy.shape.length !== 4) {
    throw new Error(`wasm Conv2DBackpropFilter: x and dy must be rank 4, got [${x.shape}] and [${dy.shape}]`)
  }
  const { info, nhwc, strides, dilations } = convGeometry("Conv2DBackpropFilter", x.shape as Shape4, attrs.filterShape, attrs, dy)
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

/**
 * Per spatial dimension, the geometry of the blocked sub-pixel correlation (module comment):
 * block B = b·s output rows per conv output row, T = M + b − 1 taps, Q conv output rows
 * starting at block t = ⌊p/B⌋, dy rows [keepBegin, keepBegin + keepLen) padded by `pads`, and
 * the crop offset into the B·Q interleaved rows.
 */
interface AxisPlan {
  readonly fe: number
  readonly M: number
  readonly b: number
  readonly B: number
  readonly T: number
  readonly Q: number
  readonly keepBegin: number
  readonly keepLen: number
  readonly pads: Pair
  readonly offset: number
}

const planAxis = (f: number, d: number, s: number, p: number, len: number, out: number, b: number): AxisPlan => {
  const fe = (f - 1) * d + 1
  const M = Math.ceil(fe / s)
  const B = b * s
  const T = M + b - 1
  const t = Math.floor(p / B)
  const Q = Math.ceil((p + len) / B) - t
  const front = M - 1 - t * b // zero rows before dy (negative: crop dy)
  const back = (Q - 1) * b + T - front - out // zero rows after dy (negative: crop dy)
  const keepBegin = Math.max(0, -front)
  return {
    fe,
    M,
    b,
    B,
    T,
    Q,
    keepBegin,
    keepLen: out - keepBegin - Math.max(0, -back),
    pads: [Math.max(0, front), Math.max(0, back)],
    offset: p - t * B
  }
}

/**
 * XNNPACK's f32 GEMM micro-kernels produce 8 output channels at a time, so a conv with only
 * R = s_h·s_w·Ci < 8 output channels (e.g. a first layer on grey images) wastes most of each
 * tile. Blocking b_h × b_w output pixels per conv output multiplies the channels by b_h·b_w for
 * (M+b−1)/M times the taps per axis. The table is what measured fastest on wasm-simd (Co = 32,
 * 4×4 filters): R=1 → 4×2 (1.7x faster than 1×1, up to 3x for 5×5), R=2 → 2×2 (1.4x); from
 * R=3 on blocking no longer paid. An axis with few taps M gains less than its taps cost, so it
 * is blocked less.
 */
const chooseBlocks = (channels: number, Mh: number, Mw: number): Pair => {
  const [bh, bw]: Pair = channels <= 1 ? [4, 2] : channels === 2 ? [2, 2] : [1, 1]
  const limit = (b: number, M: number): number => (M < 2 ? 1 : M < 3 ? Math.min(b, 2) : b)
  return [limit(bh, Mh), limit(bw, Mw)]
}

/**
 * G[uh, uw, co, (rh, rw, ci)] = We[rh + (Mh−1−uh)·sh, rw + (Mw−1−uw)·sw, ci, co] (0 outside the
 * dilated filter We), built on the JS side: the filter is tiny next to the activations.
 */
const blockedFilter = (w: Float32Array, fh: number, fw: number, Ci: number, Co: number, dh: number, dw: number, sh: number, sw: number, ph: AxisPlan, pw: AxisPlan): Float32Array => {
  const R = ph.B * pw.B * Ci
  const g = new Float32Array(ph.T * pw.T * Co * R)
  for (let uh = 0; uh < ph.T; uh++) {
    for (let rh = 0; rh < ph.B; rh++) {
      const jh = rh + (ph.M - 1 - uh) * sh
      if (jh < 0 || jh >= ph.fe || jh % dh !== 0) continue
      const kh = jh / dh
      for (let uw = 0; uw < pw.T; uw++) {
        for (let rw = 0; rw < pw.B; rw++) {
          const jw = rw + (pw.M - 1 - uw) * sw
          if (jw < 0 || jw >= pw.fe || jw % dw !== 0) continue
          const src = (kh * fw + jw / dw) * Ci * Co
          const dst = (uh * pw.T + uw) * Co * R + (rh * pw.B + rw) * Ci
          for (let ci = 0; ci < Ci; ci++) {
            for (let co = 0; co < Co; co++) g[dst + co * R + ci] = w[src + ci * Co + co]
          }
        }
      }
    }
  }
  return g
}

/** dx for dy (NHWC or NCHW) and filter [fh, fw, Ci, Co], see the module comment. */
const conv2DBackpropInput = (args: { inputs: NamedTensorInfoMap; backend: {}; attrs?: NamedAttrMap }): TensorInfo => {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo }
  const attrs = args.attrs as unknown as BackpropInputAttrs
  const backend = args.backend as KernelBackend
  if (dy.shape.length !== 4 || filter.shape.length !== 4) {
    throw new Error(`wasm Conv2DBackpropInput: dy and filter must be rank 4, got [${dy.shape}] and [${filter.shape}]`)
  }
  const { info, nhwc, strides, dilations } = convGeometry("Conv2DBackpropInput", attrs.inputShape, filter.shape as Shape4, attrs, dy)
  const [fh, fw] = [info.filterHeight, info.filterWidth]
  const [sh, sw] = strides
  const [dh, dw] = dilations
  const N = info.batchSize
  const Ci = info.inChannels
  const Co = info.outChannels
  const [H, W] = [info.inHeight, info.inWidth]
  const [Oh, Ow] = [info.outHeight, info.outWidth]
  const dxShape = nhwc ? [N, H, W, Ci] : [N, Ci, H, W]
  const taps = (f: number, d: number, s: number): number => Math.ceil(((f - 1) * d + 1) / s)
  const [bh, bw] = chooseBlocks(sh * sw * Ci, taps(fh, dh, sh), taps(fw, dw, sw))
  const ph = planAxis(fh, dh, sh, info.padInfo.top, H, Oh, bh)
  const pw = planAxis(fw, dw, sw, info.padInfo.left, W, Ow, bw)
  if (N === 0 || Ci === 0 || Co === 0 || ph.keepLen <= 0 || pw.keepLen <= 0) {
    return withScope(backend, (s) => s.zeros(dxShape))
  }

  return withScope(backend, (s) => {
    const g = s.write(
      blockedFilter(s.read(filter), fh, fw, Ci, Co, dh, dw, sh, sw, ph, pw),
      [ph.T, pw.T, Co, ph.B * pw.B * Ci]
    )
    let y = nhwc ? dy : s.transpose(dy, [0, 2, 3, 1])
    y = s.slice(y, [0, ph.keepBegin, pw.keepBegin, 0], [N, ph.keepLen, pw.keepLen, Co])
    const z = s.conv2d(y, g, [ph.b, pw.b], [1, 1], [ph.pads, pw.pads]) // [N, Qh, Qw, Bh·Bw·Ci]
    // Depth to space, crop to the input window, back to the data format.
    let u = s.reshape(z, [N, ph.Q, pw.Q, ph.B, pw.B, Ci])
    u = s.transpose(u, [0, 1, 3, 2, 4, 5])
    u = s.reshape(u, [N, ph.Q * ph.B, pw.Q * pw.B, Ci])
    u = s.slice(u, [0, ph.offset, pw.offset, 0], [N, H, W, Ci])
    return nhwc ? u : s.transpose(u, [0, 3, 1, 2])
  })
}

const configs = (backendName: string): ReadonlyArray<KernelConfig> => [
  { kernelName: "Conv2DBackpropFilter", backendName, kernelFunc: conv2DBackpropFilter },
  { kernelName: "Conv2DBackpropInput", backendName, kernelFunc: conv2DBackpropInput }
]

/**
 * Registers the fast `Conv2DBackpropFilter` and `Conv2DBackpropInput` kernels for `backendName`
 * (wasm, or webgpu), replacing whatever is registered under those names. Idempotent. Works
 * before or after the backend has been initialised (the kernels need no setup).
 */
export const registerConvGradients = (backendName: (typeof CONV_GRADIENT_BACKENDS)[number]): void => {
  for (const config of configs(backendName)) {
    if ((tf.getKernel(config.kernelName, backendName) as KernelConfig | undefined) !== undefined) tf.unregisterKernel(config.kernelName, backendName)
    tf.registerKernel(config)
  }
}

/** `registerConvGradients("wasm")`. */
export const registerWasmConvGradients = (): void => registerConvGradients("wasm")
