import * as tf from "@tensorflow/tfjs-core"
import type { RandomStream } from "../runtime/random.js"
import { tidyValue } from "../runtime/tidy-value.js"
import { type BallGraph, ballGraph, purityBallGraph } from "./kernels/ball-graph.js"
import { centringOffsetOf, rowSquaredNormsOf } from "./kernels/distances.js"
import { kmeansOnBackend } from "./kernels/kmeans.js"
import { tieBreakRanks } from "./kernels/tie-break.js"
import { required, type Strategy } from "./strategy.js"

/**
 * ProbCover (its paper, rule and direction: `doc`, below).
 * How: greedy maximum coverage with δ-balls: the candidate whose ball holds the most points not
 * yet covered (by a labelled point's ball or an earlier pick's) first; once all is covered, the
 * rest in seeded random order. δ is given, or the authors' purity rule picks it: the largest δ
 * with 95% of the balls pure under a k-means clustering into as many clusters as classes.
 * The ball graph takes O(N²·d) work over the N labelled and unlabelled points, each pair once,
 * in one pass with the purity rule's (`purityBallGraph`), and O(N + edges) memory; give a
 * backbone's embeddings for the paper's setting.
 */
export const probcover = (options: ProbCoverOptions = {}): Strategy => ({
  name: "probcover",
  aliases: ["ProbCover"],
  doc: {
    rule: "greedy max coverage of δ-balls (δ by the 95%-purity rule or given); the candidate covering the most uncovered points first",
    citation: "Yehuda, Dekel, Hacohen & Weinshall (2022), Active Learning Through a Covering Lens, NeurIPS",
    direction: "most newly covered points first"
  },
  needs: ["embeddings", "labeledEmbeddings", "probabilities"],
  select: (input) => {
    const e = required(input, "embeddings", "probcover")
    const l = required(input, "labeledEmbeddings", "probcover")
    const classes = options.clusters ?? required(input, "probabilities", "probcover").shape[1]
    const picked = tidyValue(() => probCoverSelect(tf.concat([l, e]) as tf.Tensor2D, l.shape[0], input.k, input.rng, { ...options, clusters: classes }))
    return picked.map((p) => input.candidates[p])
  }
})

export interface ProbCoverOptions {
  /** The balls' radius; by default the purity rule's. */
  readonly delta?: number
  /** The purity rule's fraction of pure balls (default 0.95). */
  readonly purity?: number
  /** Clusters of the purity rule's k-means (default: the number of classes). */
  readonly clusters?: number
}

/**
 * ProbCover over the rows of `x` [N × d] (on the backend, not disposed) whose first `labeled`
 * rows are labelled; returns candidate positions (row − labeled) in the order picked.
 */
export const probCoverSelect = (x: tf.Tensor2D, labeled: number, k: number, rng: RandomStream, options: ProbCoverOptions = {}): Int32Array => {
  const N = x.shape[0]
  const want = Math.min(Math.max(0, k), N - labeled)
  if (want <= 0) return new Int32Array(0)
  const centred = tf.tidy(() => tf.sub(x, tf.tensor1d(centringOffsetOf(x))) as tf.Tensor2D)
  try {
    const norms = rowSquaredNormsOf(centred)
    const graph =
      options.delta !== undefined
        ? ballGraph(centred, norms, options.delta)
        : purityBallGraph(centred, norms, kmeansOnBackend(x, Math.max(1, options.clusters ?? 2), rng).assignment, options.purity ?? 0.95).graph
    return greedyCoverage(graph, labeled, want, tieBreakRanks(N, rng))
  } finally {
    centred.dispose()
  }
}

/**
 * Greedy maximum coverage on a symmetric ball graph: the rows from `labeled` on are candidates;
 * `want` times, the untaken candidate with the most uncovered rows in its ball (ties: the lower
 * rank) is taken and its ball covered. Returns candidate positions.
 */
export const greedyCoverage = ({ offsets, neighbours }: BallGraph, labeled: number, want: number, rank: Int32Array): Int32Array => {
  const N = offsets.length - 1
  const covered = new Uint8Array(N)
  const gain = new Int32Array(N)
  for (let i = 0; i < N; i++) gain[i] = offsets[i + 1] - offsets[i]
  const cover = (u: number) => {
    covered[u] = 1
    for (let e = offsets[u]; e < offsets[u + 1]; e++) gain[neighbours[e]]-- // u leaves every ball it was in
  }
  const coverBall = (v: number) => {
    for (let e = offsets[v]; e < offsets[v + 1]; e++) if (covered[neighbours[e]] === 0) cover(neighbours[e])
  }
  for (let i = 0; i < labeled; i++) coverBall(i)
  const taken = new Uint8Array(N)
  const out = new Int32Array(want)
  for (let s = 0; s < want; s++) {
    let best = -1
    for (let v = labeled; v < N; v++) {
      if (taken[v] !== 0) continue
      if (best < 0 || gain[v] > gain[best] || (gain[v] === gain[best] && rank[v] < rank[best])) best = v
    }
    taken[best] = 1
    out[s] = best - labeled
    coverBall(best)
  }
  return out
}
