import * as tf from "@tensorflow/tfjs-core"
import type { WasmHeap } from "./wasm-kernel.js"

/**
 * The values of `t` copied into `out` (its first `t.size` elements), host memory the caller
 * reuses. `dataSync` returns a fresh array each time, and the first touch of fresh memory is
 * not free (about 3 ms per MB on the machines deal is measured on: 0.25 s for a 77 MB pool);
 * reading a loop's products into one buffer pays that once. On wasm the values are copied
 * straight from the heap, elsewhere through `dataSync`.
 */
export const readInto = <A extends Float32Array | Float64Array | Int32Array>(t: tf.Tensor, out: A): A => {
  if (out.length < t.size) throw new RangeError(`readInto: ${t.size} values do not fit in ${out.length}`)
  const values = tf.getBackend() === "wasm" ? (tf.backend() as unknown as WasmHeap).typedArrayFromHeap(t) : t.dataSync()
  out.set(values as ArrayLike<number>)
  return out
}

/**
 * A float32 tensor's values where they can be read without a copy: on wasm, a view of the heap
 * (valid until the backend next allocates: read it at once); elsewhere undefined.
 */
export const hostView = (t: tf.Tensor): Float32Array | undefined =>
  tf.getBackend() === "wasm" && t.dtype === "float32" ? ((tf.backend() as unknown as WasmHeap).typedArrayFromHeap(t) as Float32Array) : undefined
