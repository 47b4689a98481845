import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import "@tensorflow/tfjs-backend-wasm"
import { Context, Data, Effect, Layer } from "effect"
import { registerWasmBatchMatMul } from "./wasm-batch-matmul.js"
import { registerWasmConvGradients } from "./wasm-conv-grads.js"
import { registerWasmMaxPoolGrad } from "./wasm-max-pool-grad.js"
import { registerWasmSegmentSum } from "./wasm-segment-sum.js"

/**
 * The version of deal's own kernels (wasm conv gradients, transposed matMul, max-pool gradient,
 * segment sum): bump it when a change to them changes float order, so that a resume refuses to
 * mix rounds computed before and after.
 */
export const KERNELS_VERSION = "1"

/** What decides float order on a backend: its name, tfjs's version and deal's kernels'. */
export const computeIdentity = (backend: BackendName): { readonly backend: string; readonly tfjs: string; readonly kernels: string } => ({
  backend,
  tfjs: tf.version_core,
  kernels: KERNELS_VERSION
})

export const backendNames = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"] as const
/** `tensorflow-gpu` is @tensorflow/tfjs-node-gpu, `tensorflow` is @tensorflow/tfjs-node. */
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

const activate = async (name: BackendName): Promise<boolean> => {
  switch (name) {
    case "tensorflow-gpu":
    case "tensorflow":
      return tryNative(name)
    case "wasm":
      registerWasmConvGradients()
      registerWasmBatchMatMul()
      registerWasmMaxPoolGrad()
      registerWasmSegmentSum()
      return tf.setBackend("wasm")
    case "cpu":
      return tf.setBackend("cpu")
  }
}

/**
 * Chooses and initialises the tfjs backend: the preferred one, or with `auto` the first that
 * works of tfjs-node-gpu → tfjs-node → wasm (with deal's fast conv gradients) → cpu.
 */
export const initBackend = (preference: BackendPreference = "auto"): Effect.Effect<BackendName, BackendError> =>
  Effect.tryPromise({
    try: async () => {
      // Production mode: no debug checks and no "install tfjs-node" banner on every run.
      tf.enableProdMode()
      const order = preference === "auto" ? backendNames : [preference]
      for (const name of order) {
        if (await activate(name)) {
          await tf.ready()
          return name
        }
      }
      return undefined
    },
    catch: (e) => new BackendError({ backend: preference, message: String(e) })
  }).pipe(
    Effect.flatMap((name) =>
      name === undefined
        ? Effect.fail(
            new BackendError({
              backend: preference,
              message:
                preference === "auto"
                  ? "no tfjs backend could be initialised"
                  : `backend '${preference}' is not available` +
                    (nativePackage[preference] ? ` (install ${nativePackage[preference]})` : "")
            })
          )
        : Effect.succeed(name)
    )
  )

/** The active tfjs backend, chosen once when the layer is built. */
export class Backend extends Context.Tag("deal/Backend")<Backend, { readonly name: BackendName }>() {
  static layer(preference: BackendPreference = "auto"): Layer.Layer<Backend, BackendError> {
    return Layer.effect(
      Backend,
      Effect.map(initBackend(preference), (name) => ({ name }))
    )
  }
}
