/**
 * Times the wasm kernels deal replaces besides the conv gradients, each with
 * tfjs-backend-wasm's own kernel and then with deal's, on the Gal CNN's shapes at batch 128:
 * - `BatchMatMul` with a transposed operand (src/runtime/wasm-batch-matmul.ts): a dense layer's
 *   backward products dW = xᵀ·dy and dx = dy·Wᵀ (3,872 → 128), beside the forward x·W;
 * - `MaxPoolGrad` (src/runtime/wasm-max-pool-grad.ts): the 2×2 pool after the second conv;
 * - `Slice` and `GatherV2` (src/runtime/wasm-slice.ts, wasm-gather.ts): 5,000 rows of a
 *   50,000 × 384 pool of embeddings, as k-means' batches and blocks take them.
 * Every call gets fresh operands, as in training: wasm's XNNPACK products pack their right
 * operand once per tensor, so timing one tensor over and over would hide that cost.
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/wasm-kernels.js
 */
import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-wasm"
import { performance } from "node:perf_hooks"
import { pathToFileURL } from "node:url"
import { registerWasmBatchMatMul } from "../src/runtime/wasm-batch-matmul.js"
import { registerWasmGather } from "../src/runtime/wasm-gather.js"
import { registerWasmMaxPoolGrad } from "../src/runtime/wasm-max-pool-grad.js"
import { registerWasmSlice } from "../src/runtime/wasm-slice.js"

const calls = 17

/** Median ms of 15 calls after 2 warm-ups; call i gets the i-th copy of the operands. */
const time = (f: (i: number) => tf.Tensor): number => {
  for (let i = 0; i < 2; i++) f(i).dispose()
  const times = Array.from({ length: calls - 2 }, (_, i) => {
    const t0 = performance.now()
    const r = f(i + 2)
    r.dataSync()
    r.dispose()
    return performance.now() - t0
  }).sort((a, b) => a - b)
  return times[7]
}

export async function benchWasmKernels(): Promise<Array<Record<string, string | number>>> {
  await tf.setBackend("wasm")
  // distinct tensors (not clones, which share their data) for every call
  const copies = (make: (seed: number) => tf.Tensor) => Array.from({ length: calls }, (_, i) => make(i))
  const x = copies((i) => tf.randomUniform([128, 3872], -1, 1, "float32", 100 + i))
  const w = copies((i) => tf.randomUniform([3872, 128], -1, 1, "float32", 200 + i))
  const dy = copies((i) => tf.randomUniform([128, 128], -1, 1, "float32", 300 + i))
  const conv = copies((i) => tf.relu(tf.randomUniform([128, 22, 22, 32], -1, 1, "float32", 400 + i))) as Array<tf.Tensor4D>
  const pooled = conv.map((c) => tf.maxPool(c, 2, 2, "valid"))
  const pool = tf.randomUniform([50_000, 384], -1, 1, "float32", 500)
  const rows = copies((i) => tf.tensor1d(Int32Array.from({ length: 5000 }, (_, j) => (j * 7919 + i * 104_729) % 50_000), "int32"))
  const cases: ReadonlyArray<[string, string, (i: number) => tf.Tensor]> = [
    ["BatchMatMul", "x·W (forward, untransposed) [128,3872]·[3872,128]", (i) => tf.matMul(x[i], w[i])],
    ["BatchMatMul", "dW = xᵀ·dy (transposeA)", (i) => tf.matMul(x[i], dy[i], true, false)],
    ["BatchMatMul", "dx = dy·Wᵀ (transposeB)", (i) => tf.matMul(dy[i], w[i], false, true)],
    ["MaxPool", "forward, 2×2 of [128,22,22,32]", (i) => tf.maxPool(conv[i], 2, 2, "valid")],
    [
      "MaxPoolGrad",
      "2×2 of [128,22,22,32]",
      (i) => tf.engine().runKernel("MaxPoolGrad", { dy: pooled[i], input: conv[i], output: pooled[i] }, { filterSize: 2, strides: 2, pad: "valid" }) as tf.Tensor
    ],
    ["Slice", "rows [1000·i, +5,000) of a [50000,384] pool", (i) => tf.slice(pool, [1000 * i, 0], [5000, -1])],
    ["GatherV2", "5,000 scattered rows of a [50000,384] pool", (i) => tf.gather(pool, rows[i])]
  ]
  const tfjs = cases.map(([, , f]) => time(f))
  registerWasmBatchMatMul()
  registerWasmMaxPoolGrad()
  registerWasmSlice()
  registerWasmGather()
  const deal = cases.map(([, , f]) => time(f))
  tf.dispose([...x, ...w, ...dy, ...conv, ...pooled, pool, ...rows])
  return cases.map(([kernel, what], i) => ({
    kernel,
    case: what,
    "tfjs wasm (ms)": +tfjs[i].toFixed(2),
    "deal wasm (ms)": +deal[i].toFixed(2),
    speedup: `${(tfjs[i] / deal[i]).toFixed(1)}×`
  }))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.table(await benchWasmKernels())
}
