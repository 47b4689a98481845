import * as tf from "@tensorflow/tfjs-core"
import type * as tfl from "@tensorflow/tfjs-layers"

/** The most examples a forward batch takes on a GPU (beyond it, launches are no longer what costs). */
const GPU_BATCH = 2048
/** A CPU backend's batch: a bigger one only costs memory. */
const CPU_BATCH = 500

/** Floats one example occupies in `model`'s largest tensor: its input or a layer's output. */
const largestPerExample = (model: tfl.LayersModel): number => {
  const perExample = (shape: ReadonlyArray<number | null>) => shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1)
  const shapes = [
    ...model.inputs.map((i) => i.shape),
    ...model.layers.flatMap((l) => {
      const s = l.outputShape
      return Array.isArray(s[0]) ? (s as Array<Array<number | null>>) : [s as Array<number | null>]
    })
  ]
  return Math.max(1, ...shapes.map(perExample))
}

/** The active backend's limit on one tensor's buffer, in bytes (webgpu: the adapter's storage-binding limit; none on CPUs). */
export const tensorByteLimit = (): number | undefined => {
  const device = (tf.backend() as { device?: { limits?: { maxStorageBufferBindingSize?: number } } }).device
  return device?.limits?.maxStorageBufferBindingSize
}

/**
 * Examples per forward batch (prediction, embeddings, MC passes) of `model` on the active
 * backend: 500 on the CPU backends; on a GPU up to 2,048, and no more than fit the adapter's
 * largest storage binding in the model's largest activation (WebGPU refuses a bigger buffer,
 * and the batch would come back as garbage: 2,000 Gal CNN images need 160 MB, llvmpipe allows
 * 128 MiB).
 */
export const forwardBatchSize = (model: tfl.LayersModel): number => {
  const backend = tf.getBackend()
  if (backend !== "webgpu" && backend !== "tensorflow-gpu") return CPU_BATCH
  const limit = tensorByteLimit()
  return limit === undefined ? GPU_BATCH : Math.max(1, Math.min(GPU_BATCH, Math.floor(limit / (4 * largestPerExample(model)))))
}
