import * as tf from "@tensorflow/tfjs-core"
import type { KernelConfig } from "@tensorflow/tfjs-core"
import { Effect } from "effect"
import { loadMnist } from "../src/data/mnist.js"
import { galCnn } from "../src/models/gal-cnn.js"
import { fitModel } from "../src/models/train.js"
import { initBackend } from "../src/runtime/backend.js"
import { registerConvGradients } from "../src/runtime/wasm-conv-grads.js"
import { RandomStream } from "../src/runtime/random.js"
import { epochTimer } from "./epoch-timer.js"

/**
 * A Gal CNN epoch (256 MNIST images, batch 64) on webgpu, any adapter (here llvmpipe), with
 * tfjs-backend-webgpu's own convolution gradients and with deal's; best of 2 after a warm-up
 * epoch (the first compiles the shaders). Run by `npm run bench -- --webgpu`.
 */
export const benchWebgpuEpoch = async () => {
  // tfjs-backend-webgpu registers its kernels when imported; keep its two before deal replaces them
  await import("@tensorflow/tfjs-backend-webgpu" as string)
  const names = ["Conv2DBackpropFilter", "Conv2DBackpropInput"]
  const tfjsKernels = names.map((k) => ({ ...(tf.getKernel(k, "webgpu") as KernelConfig) }))
  const backend = await Effect.runPromise(initBackend("webgpu"))
  const { train } = await Effect.runPromise(loadMnist())
  const n = 256
  const rows: Array<{ device: string; conv_gradients: string; epoch_s: number }> = []
  for (const kernels of ["tfjs", "deal"] as const) {
    if (kernels === "tfjs") for (const k of tfjsKernels) (tf.unregisterKernel(k.kernelName, "webgpu"), tf.registerKernel(k))
    else registerConvGradients("webgpu")
    const r = RandomStream.make(1)
    const model = galCnn()({ inputShape: train.shape, numClasses: 10, seed: () => r.seed() })
    const timer = epochTimer()
    await Effect.runPromise(
      fitModel(model, train, Int32Array.from({ length: n }, (_, i) => i), train.y.subarray(0, n), { epochs: 3, batchSize: 64, learningRate: 1e-3 }, RandomStream.make(1, "train"), timer.onEpoch)
    )
    model.dispose()
    rows.push({ device: backend.device, conv_gradients: kernels, epoch_s: timer.bestAfterFirst() })
  }
  return rows
}
