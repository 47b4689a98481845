/**
 * The initial labelled set, chosen one way for every front end: `random` or `balanced` (from the
 * labels, as the papers simulate a seed set chosen on purpose), or a label-free cold start from
 * the features (`typiclust`, `probcover`, `kmeans`). Draws from the stream it is given.
 */
import * as Effect from "effect/Effect"
import { type Dataset, featureSize, numClasses, size } from "../data/dataset.js"
import type { DataConfigError } from "../data/errors.js"
import { checkInitialSize, type InitialSelection, initialIndices } from "../data/split.js"
import type { RandomStream } from "../runtime/random.js"
import { coldStartIndices } from "../strategies/cold-start.js"

/** The `k` pool indices to label first, chosen by `mode`; fails when `k` is not in 0..|train|. */
export const initialSet = (train: Dataset, k: number, mode: InitialSelection, rng: RandomStream): Effect.Effect<Int32Array, DataConfigError> =>
  mode === "random" || mode === "balanced"
    ? initialIndices(train.y, numClasses(train), k, mode, rng)
    : Effect.suspend(() => {
        const wrongSize = checkInitialSize(k, size(train))
        return wrongSize !== undefined
          ? Effect.fail(wrongSize)
          : Effect.sync(() => coldStartIndices(train.x, size(train), featureSize(train), k, mode, numClasses(train), rng))
      })
