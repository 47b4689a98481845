/**
 * Times the conv kernels on the wasm and cpu backends: forward Conv2D, tfjs-backend-wasm's own
 * Conv2DBackpropInput (timed before deal's kernels replace it), deal's Conv2DBackpropInput and
 * Conv2DBackpropFilter (src/runtime/wasm-conv-grads.ts), and the cpu backend's versions.
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/conv-kernels.js
 */
import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import "@tensorflow/tfjs-backend-wasm"
import { performance } from "node:perf_hooks"
import { pathToFileURL } from "node:url"
import { registerWasmConvGradients } from "../src/runtime/wasm-conv-grads.js"

type Shape4 = [number, number, number, number]
type Row = Record<string, string | number>

interface BenchCase {
  readonly name: string
  readonly x: Shape4
  readonly filter: Shape4
}

const cases: ReadonlyArray<BenchCase> = [
  { name: "x[64,28,28,1] W[4,4,1,32]", x: [64, 28, 28, 1], filter: [4, 4, 1, 32] },
  { name: "x[64,25,25,32] W[4,4,32,32]", x: [64, 25, 25, 32], filter: [4, 4, 32, 32] }
]

const strides = 1
const pad = "valid"

/** Deterministic data in [-1, 1) (an LCG; the bench needs no statistical quality). */
const data = (seed: number, n: number): Float32Array => {
  const out = new Float32Array(n)
  let s = seed >>> 0
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = s / 2 ** 31 - 1
  }
  return out
}

const sizeOf = (shape: ReadonlyArray<number>): number => shape.reduce((a, b) => a * b, 1)

const outShapeOf = (c: BenchCase): Shape4 =>
  tf.backend_util.computeConv2DInfo(c.x, c.filter, strides, 1, pad).outShape

type KernelName = "Conv2D" | "Conv2DBackpropInput" | "Conv2DBackpropFilter"

/** Runs one kernel on the current backend with fresh inputs; returns the output (caller disposes). */
const makeCall = (c: BenchCase, kernel: KernelName): { call: () => tf.Tensor; dispose: () => void } => {
  const x = tf.tensor4d(data(1, sizeOf(c.x)), c.x)
  const w = tf.tensor4d(data(2, sizeOf(c.filter)), c.filter)
  const dy = tf.tensor4d(data(3, sizeOf(outShapeOf(c))), outShapeOf(c))
  const common = { strides, pad, dataFormat: "NHWC" }
  const call = (): tf.Tensor => {
    switch (kernel) {
      case "Conv2D":
        return tf.engine().runKernel("Conv2D", { x, filter: w }, { ...common, dilations: 1 }) as tf.Tensor
      case "Conv2DBackpropInput":
        return tf.engine().runKernel("Conv2DBackpropInput", { dy, filter: w }, { ...common, inputShape: c.x }) as tf.Tensor
      case "Conv2DBackpropFilter":
        return tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, { ...common, filterShape: c.filter }) as tf.Tensor
    }
  }
  return { call, dispose: () => tf.dispose([x, w, dy]) }
}

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

/**
 * Median ms per call: one warm-up (two for fast kernels), then 3–15 timed calls (~1 s total);
 * a kernel slower than 5 s per call (cpu Conv2DBackpropFilter) is timed once, its first call.
 */
const timeKernel = (c: BenchCase, kernel: KernelName): { ms: number; out: Float32Array } => {
  const { call, dispose } = makeCall(c, kernel)
  try {
    let t0 = performance.now()
    const first = call()
    const firstMs = performance.now() - t0
    const out = first.dataSync() as Float32Array
    first.dispose()
    if (firstMs > 5000) return { ms: firstMs, out }
    if (firstMs < 200) tf.dispose(call())
    const runs = Math.min(15, Math.max(3, Math.ceil(1000 / Math.max(firstMs, 1))))
    const times: number[] = []
    for (let i = 0; i < runs; i++) {
      t0 = performance.now()
      const y = call()
      times.push(performance.now() - t0)
      y.dispose()
    }
    return { ms: median(times), out }
  } finally {
    dispose()
  }
}

const maxRelErr = (a: Float32Array, b: Float32Array): number => {
  let scale = 1e-12
  for (const v of b) scale = Math.max(scale, Math.abs(v))
  let err = 0
  for (let i = 0; i < b.length; i++) err = Math.max(err, Math.abs(a[i] - b[i]))
  return err / scale
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits))

/**
 * Runs the benchmark and returns one row per (case, kernel, implementation): median ms per
 * call, its ratio to the wasm forward Conv2D of the same case, and for deal's kernels the
 * speed-up over what they replace and the max error relative to the cpu result (scaled by
 * max |cpu|). tfjs's original wasm Conv2DBackpropInput is timed first, before deal's kernels
 * are registered (it is "n/a" when they were registered earlier in the process).
 */
export async function benchConvKernels(): Promise<Array<Row>> {
  await tf.setBackend("cpu")
  await tf.setBackend("wasm")
  // tfjs-backend-wasm registers no Conv2DBackpropFilter: if one is there, deal's kernels already
  // replaced tfjs's Conv2DBackpropInput in this process and the original cannot be timed.
  const originalAvailable = tf.getKernel("Conv2DBackpropFilter", "wasm") === undefined
  const fwd = cases.map((c) => timeKernel(c, "Conv2D"))
  const orig = cases.map((c) => (originalAvailable ? timeKernel(c, "Conv2DBackpropInput") : undefined))
  registerWasmConvGradients()
  const dealInput = cases.map((c) => timeKernel(c, "Conv2DBackpropInput"))
  const dealFilter = cases.map((c) => timeKernel(c, "Conv2DBackpropFilter"))
  await tf.setBackend("cpu")
  const cpuFwd = cases.map((c) => timeKernel(c, "Conv2D"))
  const cpuInput = cases.map((c) => timeKernel(c, "Conv2DBackpropInput"))
  const cpuFilter = cases.map((c) => timeKernel(c, "Conv2DBackpropFilter"))
  await tf.setBackend("wasm")

  const rows: Row[] = []
  cases.forEach((c, i) => {
    const base = fwd[i].ms
    const o = orig[i]
    const row = (kernel: string, impl: string, ms: number | undefined, extra: Row = {}): Row => ({
      case: c.name,
      kernel,
      impl,
      ms: ms === undefined ? "n/a" : round(ms, 2),
      xFwdWasm: ms === undefined ? "n/a" : round(ms / base, 2),
      ...extra
    })
    rows.push(
      row("Conv2D", "wasm (tfjs)", base, { errVsCpu: maxRelErr(fwd[i].out, cpuFwd[i].out).toExponential(1) }),
      row("Conv2DBackpropInput", "wasm (tfjs original)", o?.ms, {
        errVsCpu: o === undefined ? "n/a" : maxRelErr(o.out, cpuInput[i].out).toExponential(1)
      }),
      row("Conv2DBackpropInput", "wasm (deal)", dealInput[i].ms, {
        speedup: o === undefined ? "n/a" : `${round(o.ms / dealInput[i].ms, 1)}x vs original`,
        errVsCpu: maxRelErr(dealInput[i].out, cpuInput[i].out).toExponential(1)
      }),
      row("Conv2DBackpropFilter", "wasm (tfjs original)", undefined, { note: "not registered in tfjs-backend-wasm" }),
      row("Conv2DBackpropFilter", "wasm (deal)", dealFilter[i].ms, {
        speedup: `${round(cpuFilter[i].ms / dealFilter[i].ms, 1)}x vs cpu`,
        errVsCpu: maxRelErr(dealFilter[i].out, cpuFilter[i].out).toExponential(1)
      }),
      row("Conv2D", "cpu (tfjs)", cpuFwd[i].ms),
      row("Conv2DBackpropInput", "cpu (tfjs)", cpuInput[i].ms),
      row("Conv2DBackpropFilter", "cpu (tfjs)", cpuFilter[i].ms)
    )
  })
  return rows
}

/** Renders rows as an aligned plain-text table. */
export const formatTable = (rows: ReadonlyArray<Row>): string => {
  const cols: string[] = []
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k)
  const cell = (r: Row, k: string): string => (r[k] === undefined ? "" : String(r[k]))
  const widths = cols.map((k) => Math.max(k.length, ...rows.map((r) => cell(r, k).length)))
  const line = (vals: ReadonlyArray<string>): string => vals.map((v, i) => v.padEnd(widths[i])).join(" | ")
  return [line(cols), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map((r) => line(cols.map((k) => cell(r, k))))].join(
    "\n"
  )
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (isMain) {
  const rows = await benchConvKernels()
  console.log(formatTable(rows))
}
