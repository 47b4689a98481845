import * as tf from "@tensorflow/tfjs-core"
import type { KernelFunc, TensorInfo } from "@tensorflow/tfjs-core"
import { type WasmHeap, wasmKernelReplacement } from "./wasm-kernel.js"

/**
 * `Slice` for the wasm backend, reading the input where it lies on the wasm heap.
 * tfjs-backend-wasm's own first copies the whole input out of the heap (`readSync`) and slices
 * the copy: taking 5,000 rows of a 50,000 × 384 pool cost it 262 ms (a fresh 77 MB copy), the
 * view below 1 ms. Pure data movement: the values are unchanged. Strings go to tfjs's kernel.
 */
const makeKernel = (fallback: KernelFunc): KernelFunc => (args) => {
  const { x } = args.inputs as { x: TensorInfo }
  if (x.dtype === "string" || x.dtype === "complex64") return fallback(args)
  const { begin, size } = args.attrs as unknown as { begin: number | Array<number>; size: number | Array<number> }
  const [start, extent] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size)
  const wasm = args.backend as unknown as WasmHeap
  const out = wasm.makeOutput(extent, x.dtype)
  // Views after the allocation: growing the heap detaches earlier ones.
  const from = wasm.typedArrayFromHeap(x)
  const to = wasm.typedArrayFromHeap(out)
  const total = to.length
  if (total === 0) return out
  const strides = tf.util.computeStrides(x.shape)
  if (tf.slice_util.isSliceContinous(x.shape, start, extent)) {
    const offset = tf.slice_util.computeFlatOffset(start, strides)
    to.set(from.subarray(offset, offset + total))
    return out
  }
  // the innermost axis is copied as one run per output row
  const rank = x.shape.length
  const row = extent[rank - 1]
  const index = new Array<number>(Math.max(0, rank - 1)).fill(0)
  for (let o = 0; o < total; o += row) {
    let offset = start[rank - 1]
    for (let a = 0; a < rank - 1; a++) offset += (start[a] + index[a]) * strides[a]
    to.set(from.subarray(offset, offset + row), o)
    for (let a = rank - 2; a >= 0; a--) {
      if (++index[a] < extent[a]) break
      index[a] = 0
    }
  }
  return out
}

/** Replaces wasm's `Slice` with the kernel above (tfjs's kept for strings). Idempotent. */
export const registerWasmSlice = wasmKernelReplacement("Slice", makeKernel)
