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

/** Median ms per call: one warm-up (two for fast kernels), then 3–15 timed calls (~1 s total). */
const timeKernel = (c: BenchCase, kernel: KernelName): { ms: number; out: Float32Array } => {
  const { call, dispose } = makeCall(c, kernel)
  try {
    let t0 = performance.now()
    const first = call()
    const firstMs = performance.now() - t0
    const out = first.dataSync() as Float32Array
    first.dispose()
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
 * speed-up over the kernel they replace and the max error relative to the cpu result.
 * Must run before deal's wasm kernels are registered to time tfjs's original wasm kernel.
 */
export async function benchConvKernels(): Promise<Array<Row>> {
  await tf.setBackend("cpu")
  await tf.setBackend("wasm")
  const originalAvailable = tf.getKernel("Conv2DBackpropFilter", "wasm") === undefined
  const rows: Row[] = []
  for (const c of cases) {
    await tf.setBackend("wasm")
    const fwd = timeKernel(c, "Conv2D")
    const orig = originalAvailable ? timeKernel(c, "Conv2DBackpropInput") : undefined
    registerWasmConvGradients()
    const dealInput = timeKernel(c, "Conv2DBackpropInput")
    const dealFilter = timeKernel(c, "Conv2DBackpropFilter")
    await tf.setBackend("cpu")
    const cpuFwd = timeKernel(c, "Conv2D")
    const cpuInput = timeKernel(c, "Conv2DBackpropInput")
    const cpuFilter = timeKernel(c, "Conv2DBackpropFilter")
    const row = (kernel: string, impl: string, ms: number | undefined, extra: Row = {}): Row => ({
      case: c.name,
      kernel,
      impl,
      ms: ms === undefined ? "n/a" : round(ms, 2),
      xFwdWasm: ms === undefined ? "n/a" : round(ms / fwd.ms, 2),
      ...extra
    })
    rows.push(
      row("Conv2D", "wasm (tfjs)", fwd.ms, { errVsCpu: maxRelErr(fwd.out, cpuFwd.out).toExponential(1) }),
      row("Conv2DBackpropInput", "wasm (tfjs original)", orig?.ms, {
        errVsCpu: orig === undefined ? "n/a" : maxRelErr(orig.out, cpuInput.out).toExponential(1)
      }),
      row("Conv2DBackpropInput", "wasm (deal)", dealInput.ms, {
        speedup: orig === undefined ? "n/a" : round(orig.ms / dealInput.ms, 1),
        errVsCpu: maxRelErr(dealInput.out, cpuInput.out).toExponential(1)
      }),
      row("Conv2DBackpropFilter", "wasm (tfjs original)", undefined, { note: "not registered in tfjs-backend-wasm" }),
      row("Conv2DBackpropFilter", "wasm (deal)", dealFilter.ms, {
        speedup: round(cpuFilter.ms / dealFilter.ms, 1) + " vs cpu",
        errVsCpu: maxRelErr(dealFilter.out, cpuFilter.out).toExponential(1)
      }),
      row("Conv2D", "cpu (tfjs)", cpuFwd.ms),
      row("Conv2DBackpropInput", "cpu (tfjs)", cpuInput.ms),
      row("Conv2DBackpropFilter", "cpu (tfjs)", cpuFilter.ms)
    )
  }
  await tf.setBackend("wasm")
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
