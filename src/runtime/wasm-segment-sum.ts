import * as tf from "@tensorflow/tfjs-core"
import type { KernelConfig, TensorInfo } from "@tensorflow/tfjs-core"

/**
 * `UnsortedSegmentSum` for the wasm backend, which ships none: it is the gradient of `gather`,
 * so without it an embedding layer cannot train on wasm. A plain loop on the JS side (it sums
 * B·L rows of the embedding width per step: small next to the model's matrix products), on the
 * inputs where they lie on the wasm heap.
 */
const wasmUnsortedSegmentSum: KernelConfig = {
  kernelName: "UnsortedSegmentSum",
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo }
    const numSegments = (attrs as unknown as { numSegments: number }).numSegments
    const wasm = backend as unknown as {
      makeOutput(shape: Array<number>, dtype: tf.DataType): TensorInfo
      typedArrayFromHeap(t: TensorInfo): { [i: number]: number; readonly length: number; fill(v: number): unknown }
    }
    const out = wasm.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype)
    // Views on the heap, taken after the allocation (growing the heap detaches earlier ones):
    // no copy of the inputs, which for k-means' mini-batches are 5,000 rows a step
    const values = wasm.typedArrayFromHeap(x)
    const ids = wasm.typedArrayFromHeap(segmentIds)
    const o = wasm.typedArrayFromHeap(out)
    const n = ids.length
    const inner = n === 0 ? 0 : values.length / n
    o.fill(0)
    for (let i = 0; i < n; i++) {
      const s = ids[i]
      if (s < 0 || s >= numSegments) continue
      for (let j = 0; j < inner; j++) o[s * inner + j] += values[i * inner + j]
    }
    return out
  }
}

/** Registers the wasm `UnsortedSegmentSum` kernel once (a no-op when one is registered). */
export const registerWasmSegmentSum = (): void => {
  if (tf.getKernel("UnsortedSegmentSum", "wasm") === undefined) tf.registerKernel(wasmUnsortedSegmentSum)
}
