/**
 * Every core on the embedded backend: tfjs-backend-wasm's threaded SIMD build, loaded by deal.
 *
 * tfjs-backend-wasm 4.22 ships a build whose XNNPACK kernels run on a pthread pool, but in Node
 * it forces `WASM_HAS_MULTITHREAD_SUPPORT` off (tfjs#3830): its pthreads start as Web Workers
 * from `blob:` URLs, which Node's worker_threads refuse. The Emscripten glue itself supports
 * Node, so deal instantiates that build with file paths instead (`wasm-pthread-worker.cjs` for
 * the threads, the glue's own file for their `importScripts`) and registers it as the `wasm`
 * backend in place of tfjs's. tfjs caps the pool at `emscripten_num_logical_cores() / 2` (it
 * assumes two hyperthreads per core) and at the 8 workers the build starts, so deal answers that
 * import with twice the threads asked for: `threads` is what the pool gets, up to 8.
 *
 * Results do not depend on the thread count: XNNPACK splits a kernel's output among the threads,
 * and each output is summed in the same order by whichever thread owns it (test/runtime/wasm-
 * threads.test.ts trains the Gal CNN on 1 and 2 threads and compares the weights bit for bit).
 */
import * as tf from "@tensorflow/tfjs-core"
import { BackendWasm, getThreadsCount, setThreadsCount } from "@tensorflow/tfjs-backend-wasm"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"

/** The most threads the threaded build serves (the workers it starts with). */
export const MAX_WASM_THREADS = 8
/** tfjs-backend-wasm's own priority for the `wasm` backend. */
const WASM_PRIORITY = 2

const require = createRequire(import.meta.url)

interface EmscriptenModule {
  readonly PThread: { readonly runningWorkers: ReadonlyArray<{ unref(): void }> }
  cwrap(name: string, returns: string | null, args: ReadonlyArray<string>): (...args: Array<number>) => number
  tfjs?: unknown
}
/** The one WebAssembly call deal makes (the ES2022 lib this project builds with has no WebAssembly types). */
const { WebAssembly } = globalThis as unknown as {
  readonly WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: unknown; module: unknown }> }
}
type ThreadedFactory = (config: Record<string, unknown>) => Promise<EmscriptenModule>

const threadedModule = (threads: number): Promise<EmscriptenModule> => {
  const glue = require.resolve("@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js")
  const factory = require(glue) as ThreadedFactory
  const binary = glue.replace(/\.js$/, ".wasm")
  const worker = fileURLToPath(new URL("./wasm-pthread-worker.cjs", import.meta.url))
  return factory({
    locateFile: (path: string, prefix: string) => (path.endsWith(".worker.js") ? worker : path.endsWith(".wasm") ? binary : prefix + path),
    // Each thread evaluates the glue from this path (a Blob in tfjs's own loader).
    mainScriptUrlOrBlob: glue,
    instantiateWasm: (
      imports: { env: Record<string, unknown> },
      receive: (instance: unknown, module: unknown) => void
    ) => {
      imports.env["emscripten_num_logical_cores"] = () => 2 * threads
      void WebAssembly.instantiate(readFileSync(binary), imports).then((r) => receive(r.instance, r.module))
      return {}
    }
  })
}

/** The C API tfjs's BackendWasm expects on the module (as tfjs-backend-wasm's own loader sets it). */
const withTfjsApi = (module: EmscriptenModule): EmscriptenModule => {
  module.tfjs = {
    init: module.cwrap("init", null, []),
    initWithThreadsCount: module.cwrap("init_with_threads_count", null, ["number"]),
    getThreadsCount: module.cwrap("get_threads_count", "number", []),
    registerTensor: module.cwrap("register_tensor", null, ["number", "number", "number"]),
    disposeData: module.cwrap("dispose_data", null, ["number"]),
    dispose: module.cwrap("dispose", null, [])
  }
  return module
}

/** tfjs-backend-wasm's own factory (its single-threaded SIMD build in Node), kept for 1 thread. */
const stockFactory = tf.engine().registryFactory["wasm"]!.factory
let registered: number | undefined

/**
 * Makes `wasm` the threaded build with `threads` XNNPACK threads (1: tfjs's own single-threaded
 * SIMD build, no workers). Call before `tf.setBackend("wasm")`; a different count than the last
 * call disposes the backend, so the next `setBackend` starts a fresh one. Deal's kernels stay
 * registered (they belong to the name `wasm`, not to an instance).
 */
export const useWasmThreads = (threads: number): void => {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads must be a whole number ≥ 1, got ${threads}`)
  const wanted = Math.min(threads, MAX_WASM_THREADS)
  if (registered === wanted) return
  if (tf.engine().registryFactory["wasm"] !== undefined) tf.removeBackend("wasm")
  if (wanted === 1) {
    tf.registerBackend("wasm", () => {
      setThreadsCount(1)
      return stockFactory()
    }, WASM_PRIORITY)
  } else {
    tf.registerBackend("wasm", async () => {
      setThreadsCount(wanted)
      const module = withTfjsApi(await threadedModule(wanted))
      const backend = new BackendWasm(module as never)
      // The pool's threads wait for work forever; Emscripten keeps a running thread's worker
      // referenced, which would keep the process alive after its last line.
      for (const worker of module.PThread.runningWorkers) worker.unref()
      return backend
    }, WASM_PRIORITY)
  }
  registered = wanted
}

/** The XNNPACK threads of the initialised `wasm` backend. */
export const wasmThreads = (): number => getThreadsCount()
