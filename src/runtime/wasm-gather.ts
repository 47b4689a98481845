import * as tf from "@tensorflow/tfjs-core"
import type { KernelFunc, TensorInfo } from "@tensorflow/tfjs-core"
import { type WasmHeap, wasmKernelReplacement } from "./wasm-kernel.js"

/**
 * `GatherV2` without batch dimensions for the wasm backend, as one copy per gathered slice on the
 * wasm heap. tfjs-backend-wasm's own computes every element's address on its own: gathering
 * 5,000 rows of a 50,000 × 384 pool took it 85 ms, these copies 2 ms (a training batch or a
 * mini-batch of k-means is such a gather). Pure data movement: the values are unchanged. An
 * index outside the axis fails as tfjs's does; batch dimensions and strings go to tfjs's kernel.
 */
const makeKernel = (fallback: KernelFunc): KernelFunc => (args) => {
  const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo }
  const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number }
  if ((batchDims ?? 0) !== 0 || x.dtype === "string" || x.dtype === "complex64") return fallback(args)
  const a = tf.util.parseAxisParam(axis, x.shape)[0]
  const wasm = args.backend as unknown as WasmHeap
  const count = tf.util.sizeFromShape(indices.shape)
  const out = wasm.makeOutput([...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)], x.dtype)
  // Views after the allocation: growing the heap detaches earlier ones.
  const from = wasm.typedArrayFromHeap(x)
  const to = wasm.typedArrayFromHeap(out)
  const index = wasm.typedArrayFromHeap(indices)
  const dim = x.shape[a]
  for (let j = 0; j < count; j++) {
    const i = index[j]
    tf.util.assert(i >= 0 && i <= dim - 1, () => `GatherV2: the index value ${i} is not in [0, ${dim - 1}]`)
  }
  const outer = tf.util.sizeFromShape(x.shape.slice(0, a))
  const inner = tf.util.sizeFromShape(x.shape.slice(a + 1))
  // input and output are views of one heap: long slices move with copyWithin on the whole heap
  // (no view object per slice), short ones element by element
  const heap = new (to.constructor as Float32ArrayConstructor)(to.buffer)
  const fromStart = from.byteOffset / from.BYTES_PER_ELEMENT
  let o = to.byteOffset / to.BYTES_PER_ELEMENT
  for (let b = 0; b < outer; b++) {
    const base = fromStart + b * dim * inner
    for (let j = 0; j < count; j++, o += inner) {
      const s = base + index[j] * inner
      if (inner > 16) heap.copyWithin(o, s, s + inner)
      else for (let e = 0; e < inner; e++) heap[o + e] = heap[s + e]
    }
  }
  return out
}

/** Replaces wasm's `GatherV2` with the kernel above (tfjs's kept for batch dimensions and strings). Idempotent. */
export const registerWasmGather = wasmKernelReplacement("GatherV2", makeKernel)
