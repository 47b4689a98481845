import * as tf from "@tensorflow/tfjs-core"
import type { RandomStream } from "../runtime/random.js"
import { tidyValue } from "../runtime/tidy-value.js"
import { gatherRows } from "./kernels/distances.js"
import { kmeansOnBackend } from "./kernels/kmeans.js"
import { nearestToCentres } from "./kmeans.js"
import { probCoverSelect } from "./probcover.js"
import { typiclustOnBackend } from "./typiclust.js"

/** The label-free ways to choose the first batch from the examples' features alone. */
export type ColdStart = "typiclust" | "probcover" | "kmeans"

export const coldStarts: ReadonlyArray<ColdStart> = ["typiclust", "probcover", "kmeans"]

/** ProbCover's ball graph is O(N²): a cold start by it looks at a seeded subset of at most this many examples. */
export const probcoverColdStartLimit = 10_000

/**
 * The first `k` examples to label, chosen without labels from the rows of `x` [n × d] (a
 * backbone's embeddings when one is set, else the raw features), as the low-budget methods'
 * papers start: TypiClust (Hacohen et al. 2022) and ProbCover (Yehuda et al. 2022) with nothing
 * labelled, or `kmeans`, the example nearest each of k k-means centres. ProbCover's δ takes
 * `classes` clusters; beyond `probcoverColdStartLimit` examples it works on a seeded subset.
 */
export const coldStartIndices = (x: Float32Array, n: number, d: number, k: number, mode: ColdStart, classes: number, rng: RandomStream): Int32Array => {
  const want = Math.min(Math.max(0, k), n)
  if (want === 0) return new Int32Array(0)
  switch (mode) {
    case "typiclust":
      return tidyValue(() => typiclustOnBackend(tf.tensor2d(x, [n, d]), 0, want, rng))
    case "kmeans":
      return tidyValue(() => {
        const result = kmeansOnBackend(tf.tensor2d(x, [n, d]), want, rng)
        return nearestToCentres(x, n, d, result)
      })
    case "probcover": {
      const subset = n > probcoverColdStartLimit ? rng.sample(Int32Array.from({ length: n }, (_, i) => i), probcoverColdStartLimit).sort() : undefined
      const rows = subset === undefined ? x : gatherRows(x, d, subset)
      const picked = tidyValue(() => probCoverSelect(tf.tensor2d(rows, [rows.length / d, d]), 0, want, rng, { clusters: classes }))
      return subset === undefined ? picked : picked.map((p) => subset[p])
    }
  }
}
