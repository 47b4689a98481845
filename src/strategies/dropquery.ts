import * as tf from "@tensorflow/tfjs-core"
import { tidyValue } from "../runtime/tidy-value.js"
import { kmeans } from "./kernels/kmeans.js"
import { tieBreakRanks } from "./kernels/tie-break.js"
import { nearestToCentres } from "./kmeans.js"
import { required, type Strategy } from "./strategy.js"

/**
 * DropQuery (its paper, rule and direction: `doc`, below).
 * How: M = 3 passes of the model on its input features with dropout (rate 0.75, the dropped
 * features set to 0); the candidates whose prediction differs from the clean one in more than half
 * the passes (at least k of them: the most often changed, ties by seeded ranks) are clustered by
 * k-means into k clusters over their L2-normalised embeddings, and the candidate nearest each
 * centre is queried. The paper drops a frozen foundation model's features, which is what a head on
 * a backbone reads (`--backbone`).
 * The dropped features are zeroed and the kept ones left as they are, as scikit-activeml's
 * `DropQuery` does (`X_dropout[dropout_mask] = 0.0`, read in its source), so deal picks what that
 * peer picks. The authors' own code is reported to rescale the kept features by 1/(1 − p), as
 * inverted dropout does, which keeps each feature's expected value (unrescaled, the input shrinks
 * to about a quarter at p = 0.75); the two can differ in which predictions change and so in which
 * candidates pass the filter. This choice stays the peer's until a comparison with the authors'
 * code says otherwise.
 */
export const dropquery = (options: { readonly rate?: number; readonly passes?: number; readonly batchSize?: number } = {}): Strategy => ({
  name: "dropquery",
  aliases: ["DropQuery"],
  doc: {
    rule: "candidates whose prediction changes under 0.75 input dropout in most of 3 passes, k-means into k clusters, the nearest to each centre",
    citation: "Gupte, Aklilu, Nirschl & Yeung-Levy (2024), Revisiting Active Learning in the Era of Vision Foundation Models, TMLR",
    direction: "changed predictions first, one per cluster"
  },
  needs: ["probabilities", "embeddings", "model"],
  select: (input) => {
    const p = required(input, "probabilities", "dropquery")
    const e = required(input, "embeddings", "dropquery")
    const access = required(input, "model", "dropquery")
    const n = input.candidates.length
    const want = Math.min(Math.max(0, input.k), n)
    if (want === 0) return new Int32Array(0)
    const rate = options.rate ?? 0.75
    const passes = options.passes ?? 3
    const batch = options.batchSize ?? 500
    const clean = tidyValue(() => tf.argMax(p, 1).dataSync() as Int32Array)
    const changed = new Int32Array(n)
    const seeds = Array.from({ length: passes }, () => input.rng.seed())
    for (let b0 = 0; b0 < n; b0 += batch) {
      const b1 = Math.min(n, b0 + batch)
      const positions = Int32Array.from({ length: b1 - b0 }, (_, j) => b0 + j)
      tidyValue(() => {
        const x = access.features(positions)
        seeds.forEach((seed) => {
          const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, "float32", seed + b0), rate), "float32")
          const predicted = tf.argMax(access.model.predict(tf.mul(x, keep)) as tf.Tensor, 1).dataSync()
          for (let j = 0; j < positions.length; j++) if (predicted[j] !== clean[b0 + j]) changed[b0 + j]++
        })
      })
    }
    const rank = tieBreakRanks(n, input.rng)
    const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => changed[b] - changed[a] || rank[a] - rank[b])
    const flagged = order.filter((i) => 2 * changed[i] > passes).length
    const pool = order.slice(0, Math.max(want, flagged)).sort()
    const d = e.shape[1]
    const rows = tidyValue(() => {
      const g = tf.gather(e, tf.tensor1d(pool, "int32"))
      return tf.div(g, tf.maximum(tf.norm(g, 2, 1, true), 1e-12)).dataSync() as Float32Array
    })
    const picked = nearestToCentres(rows, pool.length, d, kmeans(rows, pool.length, d, want, input.rng))
    return Int32Array.from(picked, (j) => input.candidates[pool[j]])
  }
})
