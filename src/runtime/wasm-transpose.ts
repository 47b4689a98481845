import * as tf from "@tensorflow/tfjs-core"
import type { KernelFunc, TensorInfo } from "@tensorflow/tfjs-core"
import { type WasmHeap, wasmKernelReplacement } from "./wasm-kernel.js"

/**
 * `Transpose` for the wasm backend as one JS loop on the wasm heap, for tensors of rank ≤ 4.
 * tfjs-backend-wasm's own computes every element's index from scratch: moving a [64, 25, 25, 32]
 * batch to [32, 25, 25, 64] took it 19–24 ms, the loop below (each output row read with one
 * input stride) 3 ms. deal's convolution gradients transpose three such tensors per Gal CNN
 * step. Pure data movement: the values, and so every result, are unchanged. Higher ranks and
 * strings go to tfjs's kernel.
 */
const transpose4 = (x: ArrayLike<number>, out: { [i: number]: number }, shape: ReadonlyArray<number>, perm: ReadonlyArray<number>) => {
  // pad to rank 4 with leading size-1 axes
  const lead = 4 - shape.length
  const s4 = [...Array<number>(lead).fill(1), ...shape]
  const p4 = [...Array.from({ length: lead }, (_, i) => i), ...perm.map((p) => p + lead)]
  const inStride = [s4[1] * s4[2] * s4[3], s4[2] * s4[3], s4[3], 1]
  const [A, B, C, D] = p4.map((p) => s4[p])
  const [sa, sb, sc, sd] = p4.map((p) => inStride[p])
  let o = 0
  for (let a = 0; a < A; a++) {
    for (let b = 0; b < B; b++) {
      for (let c = 0; c < C; c++) {
        let i = a * sa + b * sb + c * sc
        for (let d = 0; d < D; d++, i += sd) out[o++] = x[i]
      }
    }
  }
}

const makeKernel = (fallback: KernelFunc): KernelFunc => (args) => {
  const { x } = args.inputs as { x: TensorInfo }
  const { perm } = args.attrs as unknown as { perm: Array<number> }
  if (x.shape.length > 4 || x.dtype === "string" || x.dtype === "complex64") return fallback(args)
  const wasm = args.backend as unknown as WasmHeap
  const out = wasm.makeOutput(perm.map((p) => x.shape[p]), x.dtype)
  // Views after the allocation: growing the heap detaches earlier ones.
  transpose4(wasm.typedArrayFromHeap(x), wasm.typedArrayFromHeap(out), x.shape, perm)
  return out
}

/** Replaces wasm's `Transpose` with the loop above (tfjs's kept for ranks above 4). Idempotent. */
export const registerWasmTranspose = wasmKernelReplacement("Transpose", makeKernel)
