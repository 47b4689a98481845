import * as Effect from "effect/Effect"
import type { Dataset, DatasetSplits } from "../data/dataset.js"
import { Progress } from "../runtime/progress.js"
import type { Backbone, BackboneError } from "./backbone.js"
import { cachedEmbeddings } from "./embedding-cache.js"

/**
 * `splits` with every example's features replaced by its embedding under `backbone` (shape
 * [dim], kind `embedding`), computed once and cached (`cachedEmbeddings`), with a progress bar.
 * Labels, ids and texts stay; a text vocabulary goes.
 */
export const embedSplits = (
  splits: DatasetSplits,
  backbone: Backbone,
  options: { readonly cacheDir?: string | false } = {}
): Effect.Effect<DatasetSplits, BackboneError, Progress> =>
  Effect.gen(function* () {
    const progress = yield* Progress
    const label = `embedding with ${backbone.name}`
    const { train, test, dim } = yield* cachedEmbeddings(backbone, splits, {
      ...options,
      onProgress: (done, total) => progress.update(label, done, total)
    }).pipe(Effect.ensuring(progress.clear))
    const embedded = (ds: Dataset, x: Float32Array): Dataset => {
      const { vocabulary: _, ...rest } = ds
      return { ...rest, x, shape: [dim], kind: "embedding" }
    }
    return { ...splits, train: embedded(splits.train, train), test: embedded(splits.test, test) }
  })
