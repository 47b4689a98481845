/**
 * The GPU backend: @tensorflow/tfjs-backend-webgpu on Dawn's Node binding (the `webgpu`
 * package, a prebuilt `dawn.node`). Both are optional dependencies, loaded only when asked for.
 *
 * - Adapters. Dawn's default backend (Vulkan on Linux, Metal, D3D12) offers the hardware
 *   adapters. A software adapter, Mesa's llvmpipe through Dawn's OpenGL backend, is used only
 *   when `software` allows it: Dawn rejects Debian's lavapipe Vulkan driver, its GL backend
 *   offers only the `compatibility` feature level, and Mesa needs `EGL_PLATFORM=surfaceless`
 *   without a display (and the unversioned `libEGL.so`, Debian's libegl-dev).
 * - Synchronous reads. tfjs-backend-webgpu's `readSync` draws through `OffscreenCanvas`, which
 *   Node lacks, so `dataSync()` would throw. dawn.node settles `mapAsync` from a callback it
 *   queues with `setImmediate`; deal's `readSync` copies the tensor to a staging buffer, maps it
 *   and runs those queued callbacks itself until the map is done. `webgpu` is pinned, since
 *   this leans on how dawn.node schedules.
 * - Kernels. webgpu gets deal's convolution gradients too (wasm-conv-grads.ts, built from the
 *   backend's own `Conv2D`): with tfjs's own, a Gal CNN epoch takes 2.3× as long on llvmpipe.
 * - Limits. A tensor bigger than the adapter's largest storage binding is an error (WebGPU would
 *   refuse the binding and tfjs return garbage); forward batches are sized to fit (batch-size.ts).
 * - Determinism. tfjs's split-K matrix product adds partial sums with atomics, in whatever order
 *   the GPU runs them; deal always uses the packed product instead (about 12% slower on
 *   llvmpipe), so the same seed on the same adapter gives the same weights, bit for bit.
 */
import * as tf from "@tensorflow/tfjs-core"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { registerConvGradients } from "./wasm-conv-grads.js"

/** What Dawn says about an adapter. */
export interface AdapterInfo {
  readonly vendor: string
  readonly architecture: string
  readonly device: string
  readonly description: string
  /** Which of Dawn's backends serves it: `default` (Vulkan, Metal, D3D12) or `opengl`. */
  readonly dawnBackend: "default" | "opengl"
  readonly software: boolean
}

/** Mesa's and Google's CPU rasterisers (Dawn reports llvmpipe as no fallback adapter). */
const softwarePattern = /llvmpipe|softpipe|lavapipe|swiftshader/i

/** The packed matrix-product program (tfjs-backend-webgpu's MatMulProgramType.MatMulPackedProgram). */
const PACKED_MATMUL = 3

interface GpuAdapter {
  readonly info: { readonly vendor: string; readonly architecture: string; readonly device: string; readonly description: string }
  readonly features: ReadonlySet<string>
  readonly limits: Record<string, number>
  requestDevice(descriptor: object): Promise<unknown>
}
interface Gpu {
  requestAdapter(options?: object): Promise<GpuAdapter | null>
}
interface DawnModule {
  create(options: ReadonlyArray<string>): Gpu
  readonly globals: object
}
interface GpuBuffer {
  readonly size: number
  readonly mapState: string
  mapAsync(mode: number): Promise<void>
  getMappedRange(): ArrayBuffer
  unmap(): void
}
/** The parts of tfjs-backend-webgpu's `WebGPUBackend` deal's `readSync` uses. */
interface WebgpuBackendInternals {
  readonly tensorMap: { get(dataId: object): { values?: tf.backend_util.BackendValues | null; dtype: tf.DataType; resource: GpuBuffer } }
  readonly bufferManager: { acquireBuffer(size: number, usage: number): GpuBuffer; releaseBuffer(buffer: GpuBuffer): void }
  ensureCommandEncoderReady(): void
  endComputePassEncoder(): void
  submitQueue(): void
  readonly commandEncoder: { copyBufferToBuffer(from: GpuBuffer, fromOffset: number, to: GpuBuffer, toOffset: number, size: number): void }
}

// --- synchronous reads ------------------------------------------------------------------------

/** Callbacks queued with `setImmediate` and not yet run (dawn.node's event processing among them). */
const queued = new Set<{ readonly run: () => void; handle: NodeJS.Immediate | undefined }>()
let tracking = false

/** Wraps `setImmediate` so that queued callbacks can be run on the spot. Before Dawn loads. */
const trackImmediates = () => {
  if (tracking) return
  tracking = true
  const original = globalThis.setImmediate
  const tracked = ((callback: (...args: Array<unknown>) => void, ...args: Array<unknown>) => {
    const entry: { run: () => void; handle: NodeJS.Immediate | undefined } = { run: () => callback(...args), handle: undefined }
    entry.handle = original(() => {
      queued.delete(entry)
      entry.run()
    })
    queued.add(entry)
    return entry.handle
  }) as typeof setImmediate
  Object.assign(tracked, original)
  globalThis.setImmediate = tracked
}

const runQueued = (): number => {
  const batch = [...queued]
  queued.clear()
  for (const entry of batch) {
    clearImmediate(entry.handle)
    entry.run()
  }
  return batch.length
}

const mapSync = (buffer: GpuBuffer, readMode: number) => {
  buffer.mapAsync(readMode).catch(() => undefined)
  for (let idle = 0; buffer.mapState === "pending"; ) {
    if (runQueued() === 0 && ++idle > 10_000_000) throw new Error("webgpu: a buffer read never completed")
  }
  if (buffer.mapState !== "mapped") throw new Error(`webgpu: a buffer read failed (${buffer.mapState})`)
}

/** `readSync` (what `dataSync()` calls) without OffscreenCanvas: copy, map, read, cache. */
const patchReadSync = (backendClass: { prototype: object }, usage: { COPY_DST: number; MAP_READ: number }, readMode: number) => {
  Object.assign(backendClass.prototype, {
    readSync(this: WebgpuBackendInternals & { convertAndCacheOnCPU(dataId: object, values: tf.backend_util.BackendValues): void }, dataId: object) {
      const data = this.tensorMap.get(dataId)
      if (data.values != null) return data.values // already on the CPU (null or undefined: on the GPU)
      if (data.dtype === "complex64" || data.dtype === "string") throw new Error(`webgpu: deal reads no ${data.dtype} tensors synchronously`)
      const source = data.resource
      const staging = this.bufferManager.acquireBuffer(source.size, usage.COPY_DST | usage.MAP_READ)
      this.ensureCommandEncoderReady()
      this.endComputePassEncoder()
      this.commandEncoder.copyBufferToBuffer(source, 0, staging, 0, source.size)
      this.submitQueue()
      mapSync(staging, readMode)
      const bytes = staging.getMappedRange().slice(0)
      staging.unmap()
      this.bufferManager.releaseBuffer(staging)
      const values = tf.util.convertBackendValuesAndArrayBuffer(bytes, data.dtype)
      this.convertAndCacheOnCPU(dataId, values)
      return values
    }
  })
}

// --- start ----------------------------------------------------------------------------------

/**
 * Makes a tensor bigger than the adapter's largest storage binding an error. WebGPU refuses to
 * bind such a buffer; Dawn prints a validation error, and tfjs would go on and return garbage.
 */
const refuseOversizedBuffers = (backend: tf.KernelBackend, limit: number, storage: number): tf.KernelBackend => {
  const buffers = (backend as unknown as { bufferManager: { acquireBuffer(size: number, usage: number, ...rest: Array<unknown>): unknown } }).bufferManager
  const acquire = buffers.acquireBuffer.bind(buffers)
  buffers.acquireBuffer = (size, usage, ...rest) => {
    if ((usage & storage) !== 0 && size > limit) {
      throw new Error(
        `webgpu: a tensor of ${size} bytes is bigger than this adapter's largest storage binding (${limit} bytes); use a smaller batch or pool subset, or another backend`
      )
    }
    return acquire(size, usage, ...rest)
  }
  return backend
}

const requestDevice = (adapter: GpuAdapter) =>
  adapter.requestDevice({
    requiredFeatures: adapter.features.has("timestamp-query") ? ["timestamp-query"] : [],
    // as tfjs-backend-webgpu asks: the adapter's own limits, not WebGPU's small defaults
    requiredLimits: Object.fromEntries(
      [
        "maxComputeWorkgroupStorageSize",
        "maxComputeWorkgroupsPerDimension",
        "maxStorageBufferBindingSize",
        "maxBufferSize",
        "maxComputeWorkgroupSizeX",
        "maxComputeInvocationsPerWorkgroup"
      ].map((k) => [k, adapter.limits[k]])
    )
  })

const describeAdapter = (adapter: GpuAdapter, dawnBackend: AdapterInfo["dawnBackend"]): AdapterInfo => {
  const { vendor, architecture, device, description } = adapter.info
  return {
    vendor,
    architecture,
    device,
    description,
    dawnBackend,
    software: softwarePattern.test(`${vendor} ${architecture} ${device} ${description}`)
  }
}

/** The adapter in one line: vendor and architecture (else the device), then the device and description, e.g. `llvmpipe-… (OpenGL version 4.5 … Mesa 22.3.6) via Dawn's OpenGL backend, software`. */
export const adapterLine = (a: AdapterInfo): string => {
  const name = [a.vendor, a.architecture].filter((s) => s !== "").join(" ") || a.device
  const detail = [a.device !== name ? a.device : "", a.description].filter((s) => s !== "").join(", ")
  return `${name}${detail === "" ? "" : ` (${detail})`}${a.dawnBackend === "opengl" ? " via Dawn's OpenGL backend" : ""}${a.software ? ", software" : ""}`
}

/**
 * Whether Dawn could find a hardware adapter at all, without loading it: on Linux its hardware
 * backend is Vulkan, so without the Vulkan loader there is none (and loading Dawn would only
 * print its warning about the missing loader into every run).
 */
const mayHaveHardwareAdapter = (): boolean => {
  if (process.platform !== "linux") return true
  const dirs = [...(process.env["LD_LIBRARY_PATH"] ?? "").split(":"), "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"]
  return dirs.some((d) => d !== "" && existsSync(join(d, "libvulkan.so.1")))
}

export type WebgpuStart = { readonly ok: true; readonly adapter: AdapterInfo } | { readonly ok: false; readonly reason: string }

let started: AdapterInfo | undefined
/**
 * Every Dawn instance deal created, held for the life of the process: dawn.node aborts the
 * process (`std::system_error`) when the garbage collector finalises an instance, as it did
 * with the hardware probe's once the heap grew.
 */
const instances: Array<Gpu> = []
const createInstance = (dawn: DawnModule, options: ReadonlyArray<string>): Gpu => {
  const gpu = dawn.create(options)
  instances.push(gpu)
  return gpu
}

/**
 * Registers and initialises tfjs's `webgpu` backend on the first adapter Dawn offers: hardware
 * first; a software adapter only when `software` is true. Says why not when it cannot.
 */
export const startWebgpu = async (software: boolean): Promise<WebgpuStart> => {
  if (started !== undefined && (software || !started.software)) {
    return (await tf.setBackend("webgpu")) ? { ok: true, adapter: started } : { ok: false, reason: "the webgpu backend failed to start again" }
  }
  if (!software && !mayHaveHardwareAdapter()) return { ok: false, reason: "no Vulkan loader (libvulkan.so.1), so no hardware adapter for Dawn" }
  let dawn: DawnModule
  let webgpuBackend: { WebGPUBackend: new (device: unknown, info?: unknown) => tf.KernelBackend }
  try {
    trackImmediates()
    dawn = (await import("webgpu")) as unknown as DawnModule
    webgpuBackend = (await import("@tensorflow/tfjs-backend-webgpu")) as unknown as typeof webgpuBackend
  } catch (e) {
    return { ok: false, reason: `its optional packages are not installed (webgpu, @tensorflow/tfjs-backend-webgpu): ${String(e).split("\n")[0]}` }
  }
  // tfjs-backend-webgpu names WebGPU's constants as globals (GPUBufferUsage, GPUMapMode, …).
  Object.assign(globalThis, dawn.globals)
  const globals = dawn.globals as { GPUBufferUsage: { COPY_DST: number; MAP_READ: number; STORAGE: number }; GPUMapMode: { READ: number } }

  const hardware = mayHaveHardwareAdapter() ? await createInstance(dawn, []).requestAdapter({ powerPreference: "high-performance" }) : null
  let adapter: GpuAdapter | null = hardware !== null && !describeAdapter(hardware, "default").software ? hardware : null
  let dawnBackend: AdapterInfo["dawnBackend"] = "default"
  if (adapter === null && software) {
    process.env["EGL_PLATFORM"] ??= "surfaceless"
    adapter = await createInstance(dawn, ["backend=opengl"]).requestAdapter({ featureLevel: "compatibility" })
    dawnBackend = "opengl"
  }
  if (adapter === null) {
    return {
      ok: false,
      reason: software
        ? "Dawn found no adapter: no Vulkan driver for a GPU, and no Mesa EGL for the software one (Debian: libegl1 libegl-mesa0 libgl1-mesa-dri libegl-dev)"
        : "Dawn found no hardware GPU adapter (deal uses a software one only with --backend webgpu)"
    }
  }
  // WebGPUBackend checks for `navigator.gpu` (Node 20 has no navigator; 21 has one without gpu).
  const gpu = { requestAdapter: async () => adapter }
  const global = globalThis as { navigator?: object }
  if (global.navigator === undefined) Object.defineProperty(global, "navigator", { value: { gpu }, configurable: true, writable: true })
  else Object.defineProperty(global.navigator, "gpu", { value: gpu, configurable: true, writable: true })
  const info = describeAdapter(adapter, dawnBackend)
  const device = await requestDevice(adapter)
  patchReadSync(webgpuBackend.WebGPUBackend, globals.GPUBufferUsage, globals.GPUMapMode.READ)
  tf.env().set("WEBGPU_MATMUL_PROGRAM_TYPE", PACKED_MATMUL)
  registerConvGradients("webgpu")
  if (tf.findBackend("webgpu") !== null || tf.engine().registryFactory["webgpu"] !== undefined) tf.removeBackend("webgpu")
  const storageLimit = adapter.limits["maxStorageBufferBindingSize"]
  tf.registerBackend("webgpu", () => refuseOversizedBuffers(new webgpuBackend.WebGPUBackend(device, adapter.info), storageLimit, globals.GPUBufferUsage.STORAGE))
  if (!(await tf.setBackend("webgpu"))) return { ok: false, reason: `the webgpu backend failed to start on ${adapterLine(info)}` }
  started = info
  return { ok: true, adapter: info }
}

/** The adapter the webgpu backend runs on, once started. */
export const webgpuAdapter = (): AdapterInfo | undefined => started
