import * as tf from "@tensorflow/tfjs-core"
import type { KernelConfig, TensorInfo } from "@tensorflow/tfjs-core"

interface WasmHeap {
  makeOutput(shape: Array<number>, dtype: tf.DataType): TensorInfo
  typedArrayFromHeap(t: TensorInfo): Float32Array
}

interface MaxPoolGradAttrs {
  readonly filterSize: [number, number] | number
  readonly strides: [number, number] | number
  readonly pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding
  readonly dimRoundingMode?: "floor" | "round" | "ceil"
}

/**
 * `MaxPoolGrad` for the wasm backend as one loop over the pooled outputs on the JS side:
 * each output's gradient goes to the first maximum of its window in row-major order (as the
 * cpu backend's `maxPoolPositions`: a later equal value does not replace it; an all-NaN window
 * passes nothing), summed where windows overlap. tfjs-backend-wasm's own kernel took 55 ms
 * for the Gal CNN's 2×2 pool at batch 128 (a tenth of a training step, 13× its forward pool);
 * the loop reads each window once from the wasm heap.
 */
export const wasmMaxPoolGrad: KernelConfig = {
  kernelName: "MaxPoolGrad",
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo }
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode)
    const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info
    const { filterHeight, filterWidth } = info
    const wasm = backend as unknown as WasmHeap
    const out = wasm.makeOutput([...input.shape], "float32")
    // Views after the allocation: growing the heap detaches earlier ones.
    const dx = wasm.typedArrayFromHeap(out)
    const x = wasm.typedArrayFromHeap(input)
    const g = wasm.typedArrayFromHeap(dy)
    dx.fill(0)
    // Per channel of the current window: the best value so far and where it is.
    const best = new Float32Array(channels)
    const at = new Int32Array(channels)
    const rowStride = inWidth * channels
    const imageStride = inHeight * rowStride
    let o = 0
    for (let b = 0; b < batchSize; b++) {
      const image = b * imageStride
      for (let oh = 0; oh < outHeight; oh++) {
        const top = oh * strideHeight - info.padInfo.top
        const rMin = Math.max(0, top)
        const rMax = Math.min(inHeight, top + filterHeight)
        for (let ow = 0; ow < outWidth; ow++, o += channels) {
          const left = ow * strideWidth - info.padInfo.left
          const cMin = Math.max(0, left)
          const cMax = Math.min(inWidth, left + filterWidth)
          best.fill(Number.NEGATIVE_INFINITY)
          at.fill(-1)
          for (let r = rMin; r < rMax; r++) {
            for (let q = cMin; q < cMax; q++) {
              const pixel = image + r * rowStride + q * channels
              for (let c = 0; c < channels; c++) {
                const v = x[pixel + c]
                if (v > best[c]) {
                  best[c] = v
                  at[c] = pixel + c
                }
              }
            }
          }
          for (let c = 0; c < channels; c++) if (at[c] >= 0) dx[at[c]] += g[o + c]
        }
      }
    }
    return out
  }
}

/** Replaces wasm's `MaxPoolGrad` with `wasmMaxPoolGrad`. Idempotent. */
export const registerWasmMaxPoolGrad = (): void => {
  const current = tf.getKernel("MaxPoolGrad", "wasm") as KernelConfig | undefined
  if (current?.kernelFunc === wasmMaxPoolGrad.kernelFunc) return
  if (current !== undefined) tf.unregisterKernel("MaxPoolGrad", "wasm")
  tf.registerKernel(wasmMaxPoolGrad)
}
