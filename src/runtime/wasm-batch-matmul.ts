import * as tf from "@tensorflow/tfjs-core"
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core"

/**
 * `BatchMatMul` for the wasm backend that transposes its operands first. tfjs-backend-wasm 4.22
 * multiplies untransposed operands with XNNPACK but serves `transposeA` / `transposeB` from a
 * scalar loop 10–20× slower (bench: Aᵀ·B of a [128, 3872] by a [128, 128] takes 89 ms, the
 * explicit transpose and the fast product 15 ms). Every matMul gradient asks for a transpose
 * (dA = dC·Bᵀ, dB = Aᵀ·dC), so on wasm a dense layer's backward pass ran at the slow path:
 * over a quarter of the Gal CNN's training time. This kernel transposes the last two axes
 * with wasm's own `Transpose`, calls wasm's `BatchMatMul` without transposes, and releases
 * the transposed copies. The product is the same sum in the same order, so the values are
 * those of the untransposed path.
 */
let wasmBatchMatMul: KernelFunc | undefined

const fastBatchMatMul: KernelFunc = ({ inputs, attrs, backend }) => {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo }
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean }
  const base = wasmBatchMatMul!
  if (!transposeA && !transposeB) return base({ inputs, attrs, backend })
  const transpose = tf.getKernel("Transpose", "wasm")!.kernelFunc
  const swapLast = (x: TensorInfo) => {
    const r = x.shape.length
    const perm = [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2]
    return transpose({ inputs: { x }, attrs: { perm }, backend }) as TensorInfo
  }
  const at = transposeA ? swapLast(a) : a
  const bt = transposeB ? swapLast(b) : b
  const out = base({ inputs: { a: at, b: bt }, attrs: { ...attrs, transposeA: false, transposeB: false }, backend })
  if (at !== a) (backend as KernelBackend).disposeData(at.dataId)
  if (bt !== b) (backend as KernelBackend).disposeData(bt.dataId)
  return out
}

/**
 * Replaces wasm's `BatchMatMul` with `fastBatchMatMul`, which delegates to it. Idempotent;
 * call after the wasm backend package is loaded (it registers the kernel being wrapped).
 */
export const registerWasmBatchMatMul = (): void => {
  const current = tf.getKernel("BatchMatMul", "wasm") as KernelConfig | undefined
  if (current === undefined || current.kernelFunc === fastBatchMatMul) return
  wasmBatchMatMul = current.kernelFunc
  tf.unregisterKernel("BatchMatMul", "wasm")
  tf.registerKernel({ ...current, kernelFunc: fastBatchMatMul })
}
