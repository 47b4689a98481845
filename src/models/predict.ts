import * as tf from "@tensorflow/tfjs-core"
import type * as tfl from "@tensorflow/tfjs-layers"
import * as Effect from "effect/Effect"
import { forwardBatchSize } from "../runtime/batch-size.js"
import { type Dataset, featuresTensor, numClasses } from "../data/dataset.js"

/**
 * Class probabilities of `model` for the examples `indices` of `ds`, as one row-major
 * Float32Array [indices.length × C], computed in batches (each batch's tensors freed at once,
 * its probabilities read back asynchronously).
 * `onBatch(done, total)` reports progress between batches.
 */
export const predictProbabilities = (
  model: tfl.LayersModel,
  ds: Dataset,
  indices: Int32Array,
  options: { readonly batchSize?: number; readonly onBatch?: (done: number, total: number) => Effect.Effect<void> } = {}
): Effect.Effect<Float32Array> => {
  const batchSize = options.batchSize ?? forwardBatchSize(model)
  const c = numClasses(ds)
  const out = new Float32Array(indices.length * c)
  const starts = Array.from({ length: Math.ceil(indices.length / batchSize) }, (_, b) => b * batchSize)
  return Effect.forEach(
    starts,
    (start) => {
      const end = Math.min(indices.length, start + batchSize)
      // read back once per batch, asynchronously (a GPU backend is not stalled by a sync read)
      return Effect.acquireUseRelease(
        Effect.sync(() => tf.tidy(() => model.predict(featuresTensor(ds, indices.subarray(start, end))) as tf.Tensor)),
        (probabilities) => Effect.promise(() => probabilities.data()).pipe(Effect.map((values) => out.set(values as Float32Array, start * c))),
        (probabilities) => Effect.sync(() => probabilities.dispose())
      ).pipe(Effect.zipRight(options.onBatch ? options.onBatch(end, indices.length) : Effect.void))
    },
    { discard: true }
  ).pipe(Effect.as(out))
}
