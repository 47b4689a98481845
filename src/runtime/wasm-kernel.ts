import * as tf from "@tensorflow/tfjs-core"
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core"

/** What deal's wasm kernels use of tfjs-backend-wasm's backend: outputs and views on the heap. */
export interface WasmHeap {
  makeOutput(shape: Array<number>, dtype: tf.DataType): TensorInfo
  /** A view of the tensor's data on the heap; allocate outputs first (growing the heap detaches earlier views). */
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array
}

/**
 * A registration that replaces wasm's kernel `name` by `make(tfjs's own)`, so deal's kernel can
 * hand the cases it does not take back to tfjs's. Idempotent; does nothing before the wasm
 * backend package has registered the kernel being replaced.
 */
export const wasmKernelReplacement = (name: string, make: (fallback: KernelFunc) => KernelFunc): (() => void) => {
  let registered: KernelFunc | undefined
  return () => {
    const current = tf.getKernel(name, "wasm") as KernelConfig | undefined
    if (current === undefined || current.kernelFunc === registered) return
    registered = make(current.kernelFunc)
    tf.unregisterKernel(name, "wasm")
    tf.registerKernel({ ...current, kernelFunc: registered })
  }
}
