import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import "@tensorflow/tfjs-backend-wasm"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { registerWasmBatchMatMul } from "./wasm-batch-matmul.js"
import { registerWasmConvGradients } from "./wasm-conv-grads.js"
import { registerWasmGather } from "./wasm-gather.js"
import { registerWasmMaxPoolGrad } from "./wasm-max-pool-grad.js"
import { registerWasmSegmentSum } from "./wasm-segment-sum.js"
import { registerWasmSlice } from "./wasm-slice.js"
import { registerWasmTranspose } from "./wasm-transpose.js"
import { useWasmThreads, wasmThreads } from "./wasm-threads.js"
import { adapterLine, startWebgpu, webgpuAdapter } from "./webgpu.js"
import { availableParallelism } from "node:os"

// Production mode from the moment deal loads tfjs: no debug checks, and none of tfjs's console
// chatter (its cpu backend's "install tfjs-node" banner on first use). deal says itself, in one
// line, when no fast backend was found (`initBackend`).
tf.enableProdMode()

/**
 * The version of deal's own kernels (wasm conv gradients, transposed matMul, max-pool gradient,
 * segment sum, transpose): bump it when a change to them changes float order, so that a resume
 * refuses to mix rounds computed before and after.
 */
export const KERNELS_VERSION = "1"

/**
 * What decides float order on a backend: its name, tfjs's version and deal's kernels'; on
 * webgpu also the adapter (another GPU or driver runs other shaders). wasm's thread count does
 * not: its results are the same on any number of threads.
 */
export const computeIdentity = (
  backend: BackendName
): { readonly backend: string; readonly tfjs: string; readonly kernels: string; readonly device?: string } => {
  const adapter = backend === "webgpu" ? webgpuAdapter() : undefined
  return { backend, tfjs: tf.version_core, kernels: KERNELS_VERSION, ...(adapter === undefined ? {} : { device: adapterLine(adapter) }) }
}

export const backendNames = ["tensorflow-gpu", "webgpu", "tensorflow", "wasm", "cpu"] as const
/**
 * `tensorflow-gpu` is @tensorflow/tfjs-node-gpu, `tensorflow` is @tensorflow/tfjs-node, `webgpu`
 * is @tensorflow/tfjs-backend-webgpu on Dawn (the optional `webgpu` package).
 */
export type BackendName = (typeof backendNames)[number]
export type BackendPreference = BackendName | "auto"
export const backendPreferences: ReadonlyArray<BackendPreference> = ["auto", ...backendNames]

export class BackendError extends Data.TaggedError("BackendError")<{
  readonly backend: BackendPreference
  readonly message: string
}> {}

/** The optional native packages: loaded when installed, never required. */
const nativePackage: Partial<Record<BackendName, string>> = {
  "tensorflow-gpu": "@tensorflow/tfjs-node-gpu",
  tensorflow: "@tensorflow/tfjs-node"
}

const tryNative = async (name: BackendName): Promise<boolean> => {
  const pkg = nativePackage[name]
  if (pkg === undefined) return false
  try {
    await import(/* @vite-ignore */ pkg)
  } catch {
    return false
  }
  return tf.findBackend("tensorflow") !== null && (await tf.setBackend("tensorflow"))
}

/** How a backend is set up: `threads` for wasm's XNNPACK pool (default: every core, up to 8). */
export interface BackendOptions {
  readonly threads?: number
}

/** Why the last backend tried could not start (said when it was the one asked for). */
let lastFailure: string | undefined

const activate = async (name: BackendName, options: BackendOptions, asked: boolean): Promise<boolean> => {
  switch (name) {
    case "webgpu": {
      // `auto` takes a hardware adapter only; asking for webgpu by name also allows a software one.
      const start = await startWebgpu(asked)
      if (!start.ok) lastFailure = start.reason
      return start.ok
    }
    case "tensorflow-gpu":
    case "tensorflow":
      return tryNative(name)
    case "wasm":
      useWasmThreads(options.threads ?? availableParallelism())
      registerWasmConvGradients()
      registerWasmBatchMatMul()
      registerWasmMaxPoolGrad()
      registerWasmSegmentSum()
      registerWasmTranspose()
      registerWasmSlice()
      registerWasmGather()
      return tf.setBackend("wasm")
    case "cpu":
      return tf.setBackend("cpu")
  }
}

/** The backend deal set up: its name, and in words the device it computes on. */
export interface ActiveBackend {
  readonly name: BackendName
  /** e.g. `wasm: XNNPACK on 2 threads`, `webgpu: nvidia hopper (vulkan)` */
  readonly device: string
  /** wasm's XNNPACK threads (1 elsewhere). */
  readonly threads: number
}

const describe = (name: BackendName): ActiveBackend => {
  switch (name) {
    case "wasm": {
      const threads = wasmThreads()
      return { name, device: `wasm: XNNPACK on ${threads} thread${threads === 1 ? "" : "s"}`, threads }
    }
    case "cpu":
      return { name, device: "cpu: tfjs's pure-JS kernels", threads: 1 }
    case "webgpu":
      return { name, device: `webgpu: ${adapterLine(webgpuAdapter()!)}`, threads: 1 }
    default:
      return { name, device: `${name}: ${nativePackage[name] ?? name}`, threads: 1 }
  }
}

/** Said once when `auto` found nothing faster than the pure-JS kernels. */
const slowBackendLine =
  "deal: no fast tfjs backend started, so this runs on tfjs's pure-JS cpu kernels (hundreds of times slower); reinstall deal's dependencies (npm ci) to get its wasm backend"

/**
 * Chooses and initialises the tfjs backend: the preferred one, or with `auto` the first that
 * works of tfjs-node-gpu → webgpu on a hardware adapter → tfjs-node → wasm (on `threads` cores,
 * with deal's kernels) → cpu (saying so in one line).
 */
export const initBackend = (preference: BackendPreference = "auto", options: BackendOptions = {}): Effect.Effect<ActiveBackend, BackendError> =>
  Effect.tryPromise({
    try: async () => {
      const order = preference === "auto" ? backendNames : [preference]
      lastFailure = undefined
      for (const name of order) {
        if (await activate(name, options, preference === name)) {
          await tf.ready()
          return describe(name)
        }
      }
      return undefined
    },
    catch: (e) => new BackendError({ backend: preference, message: String(e) })
  }).pipe(
    Effect.flatMap((active) =>
      active === undefined
        ? Effect.fail(
            new BackendError({
              backend: preference,
              message:
                preference === "auto"
                  ? "no tfjs backend could be initialised"
                  : `backend '${preference}' is not available` +
                    (nativePackage[preference] ? ` (install ${nativePackage[preference]})` : "") +
                    (lastFailure === undefined ? "" : `: ${lastFailure}`)
            })
          )
        : preference === "auto" && active.name === "cpu"
          ? Effect.as(Console.error(slowBackendLine), active)
          : Effect.succeed(active)
    )
  )

/**
 * The active tfjs backend, chosen once when the layer is built.
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import { Effect } from "effect"
 * import { Runtime } from "deal-active-learning"
 *
 * // The tfjs backend as a service: "auto" takes WebGPU where a GPU answers, else wasm on every core, else cpu.
 * const name = await Effect.runPromise(Effect.map(Runtime.Backend, (b) => b.name).pipe(Effect.provide(Runtime.Backend.layer("cpu"))))
 * assert.strictEqual(name, "cpu")
 * ```
 */
export class Backend extends Context.Tag("deal/Backend")<Backend, ActiveBackend>() {
  static layer(preference: BackendPreference = "auto", options: BackendOptions = {}): Layer.Layer<Backend, BackendError> {
    return Layer.effect(
      Backend,
      initBackend(preference, options)
    )
  }
}
