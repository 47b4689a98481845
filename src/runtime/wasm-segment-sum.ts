import * as tf from "@tensorflow/tfjs-core"
import type { KernelConfig, TensorInfo } from "@tensorflow/tfjs-core"

/**
 * `UnsortedSegmentSum` for the wasm backend, which ships none: it is the gradient of `gather`,
 * so without it an embedding layer cannot train on wasm. A plain loop on the JS side (it sums
 * B·L rows of the embedding width per step: small next to the model's matrix products).
 */
const wasmUnsortedSegmentSum: KernelConfig = {
  kernelName: "UnsortedSegmentSum",
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo }
    const numSegments = (attrs as unknown as { numSegments: number }).numSegments
    const wasm = backend as unknown as {
      readSync(dataId: object): ArrayLike<number>
      makeOutput(shape: Array<number>, dtype: tf.DataType): TensorInfo
      typedArrayFromHeap(t: TensorInfo): { [i: number]: number; fill(v: number): unknown }
    }
    const values = wasm.readSync(x.dataId)
    const ids = wasm.readSync(segmentIds.dataId)
    const n = ids.length
    const inner = n === 0 ? 0 : values.length / n
    const out = wasm.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype)
    const o = wasm.typedArrayFromHeap(out)
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
