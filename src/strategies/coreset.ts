import * as tf from "@tensorflow/tfjs-core"
import type { RandomStream } from "../runtime/random.js"
import { tidyValue } from "../runtime/tidy-value.js"
import { centringOffsetOf, defaultDistanceBudget, minSquaredDistances, type ProductColumns, productColumns, rowSquaredNormsOf, squaredDistancesToRow } from "./kernels/distances.js"
import { nearestCentres } from "./kernels/kmeans.js"
import { tieBreakRanks } from "./kernels/tie-break.js"
import { required, type Strategy } from "./strategy.js"

/** Below this many multiply-adds per distance column (n·d), k-center greedy takes exact differences. */
const exactBelowDefault = 1 << 20

/**
 * Core-set — Sener & Savarese (2018), "Active Learning for Convolutional Neural Networks: A
 * Core-Set Approach", ICLR; DeepAL's `KCenterGreedy`.
 * Rule: k-center greedy over the embeddings (penultimate, or a backbone's), with the labelled set as the initial centres.
 * Direction: the candidate farthest from its nearest centre (labelled or already chosen) first.
 */
export const coreset: Strategy = {
  name: "coreset",
  aliases: ["KCenterGreedy", "CoreSet"],
  doc: {
    rule: "k-center greedy: the candidate farthest from its nearest labelled or chosen point first",
    citation: "Sener & Savarese (2018), Active Learning for Convolutional Neural Networks: A Core-Set Approach, ICLR",
    direction: "farthest from the centres first"
  },
  needs: ["embeddings", "labeledEmbeddings"],
  select: (input) => {
    const e = required(input, "embeddings", "coreset")
    const l = required(input, "labeledEmbeddings", "coreset")
    const [n, d] = e.shape
    // a large pool stays where it is (on the backend), rather than read back and sent again
    const picked =
      n * d >= exactBelowDefault
        ? kCenterGreedyOnBackend(e, l, input.k, input.rng)
        : kCenterGreedy(e.dataSync() as Float32Array, n, d, l.dataSync() as Float32Array, l.shape[0], input.k, input.rng)
    return picked.map((p) => input.candidates[p])
  }
}

export interface KCenterOptions {
  /** Cap on the floats of one temporary distance block (the labelled-set initialisation, the columns of products). */
  readonly budget?: number
  /**
   * Below this many multiply-adds per distance column (n·d), distances are exact float64 sums of
   * squared differences; above it, products of the centred embeddings (default 2^20).
   */
  readonly exactBelow?: number
}

/**
 * k-center greedy over rows of `x` [n × d] with `centres` [m × d] as the initial centres:
 * repeatedly the row farthest from its nearest centre becomes a centre. Keeps one running
 * minimum distance per row, updated from each new centre: O(n·d) per centre, O(n) memory beside
 * the embeddings, no n × n matrix. Ties are broken by seeded ranks. Returns positions into `x`.
 *
 * Small problems take exact float64 differences. Large ones (n·d ≥ `exactBelow`) compute
 * ‖x − c‖² = ‖x‖² + ‖c‖² − 2·x·c as matrix products on the active backend, after centring every
 * row (`centringOffsetOf`: an offset shared by all embeddings, common for ReLU features, costs no
 * precision), and speculatively: the products with the B rows farthest from their centres
 * come in one product, since the next centres are usually among them (B columns cost little
 * more than one, whose price is reading the n × d embeddings once).
 */
export const kCenterGreedy = (
  x: Float32Array,
  n: number,
  d: number,
  centres: Float32Array,
  m: number,
  k: number,
  rng: RandomStream,
  options: KCenterOptions = {}
): Int32Array => {
  const want = Math.min(Math.max(0, k), n)
  const out = new Int32Array(want)
  if (want === 0) return out
  if (n * d < (options.exactBelow ?? exactBelowDefault)) {
    const scratch = new Float64Array(n)
    const minDist = minSquaredDistances(x, n, d, centres, m, options.budget ?? defaultDistanceBudget)
    greedySelect(out, minDist, new Uint8Array(n), tieBreakRanks(n, rng), (c) => squaredDistancesToRow(x, n, d, x.subarray(c * d, (c + 1) * d), scratch))
    return out
  }
  return tidyValue(() => kCenterGreedyOnBackend(tf.tensor2d(x, [n, d]), tf.tensor2d(centres, [m, d]), k, rng, options))
}

/**
 * `kCenterGreedy`'s product path on embeddings held by the backend, `x` [n × d] and `centres`
 * [m × d] (see there); the tensors are not disposed.
 */
export const kCenterGreedyOnBackend = (x: tf.Tensor2D, centres: tf.Tensor2D, k: number, rng: RandomStream, options: KCenterOptions = {}): Int32Array => {
  const [n] = x.shape
  const m = centres.shape[0]
  const want = Math.min(Math.max(0, k), n)
  const out = new Int32Array(want)
  if (want === 0) return out
  const budget = options.budget ?? defaultDistanceBudget
  const rank = tieBreakRanks(n, rng)
  const taken = new Uint8Array(n)
  // distances after centring (an offset every row shares costs no precision), but without a
  // centred copy of the pool: each block of rows, and each product column, is shifted as it is used
  const offset = centringOffsetOf(x, budget)
  const norms = rowSquaredNormsOf(x, budget, offset)
  // from the labelled set: products with the centres, in blocks of rows
  const labelled = tidyValue(() => tf.sub(centres, tf.tensor1d(offset)).dataSync() as Float32Array)
  const minDist = m === 0 ? new Float64Array(n).fill(Number.POSITIVE_INFINITY) : nearestCentres(x, norms, labelled, m, { budget, which: false, offset }).distance
  // the speculative columns: products with the B farthest untaken rows, read back together
  // (8 columns cost about what one does: reading the pool once is the price)
  const B = Math.max(1, Math.min(8, want - 1, Math.floor(budget / n)))
  const columns = productColumns(x, norms, offset)
  let rows: Int32Array = new Int32Array(0)
  let block: ProductColumns | undefined
  let c = farthestUntaken(minDist, taken, rank)
  for (let s = 0; s < want; s++) {
    out[s] = c
    taken[c] = 1
    minDist[c] = -1 // a centre: never the farthest again, and never updated (distances are ≥ 0)
    if (s === want - 1) break
    let j = rows.indexOf(c)
    if (j < 0 || block === undefined) {
      rows = farthestRows(minDist, taken, rank, B, c)
      block = columns(rows)
      j = 0
    }
    // one pass: the running minima from the new centre's column, and the next farthest row
    const { products, width } = block
    const own = norms[c]
    let next = -1
    let farthest = -1
    for (let i = 0; i < n; i++) {
      const v = norms[i] + own - 2 * products[i * width + j]
      if (v < minDist[i]) minDist[i] = v > 0 ? v : 0
      const d = minDist[i]
      if (d > farthest || (d === farthest && rank[i] < rank[next])) {
        farthest = d
        next = i
      }
    }
    c = next
  }
  return out
}

/** The untaken row farthest from its centres (ties: the lower rank). */
const farthestUntaken = (minDist: Float64Array, taken: Uint8Array, rank: Int32Array): number => {
  let best = -1
  for (let i = 0; i < minDist.length; i++) {
    if (taken[i] !== 0) continue
    if (best < 0 || minDist[i] > minDist[best] || (minDist[i] === minDist[best] && rank[i] < rank[best])) best = i
  }
  return best
}

/**
 * The greedy loop: `out.length` times, the farthest untaken row (ties: the lower rank) becomes a
 * centre and every running minimum is updated from `distancesTo` it.
 */
const greedySelect = (out: Int32Array, minDist: Float64Array, taken: Uint8Array, rank: Int32Array, distancesTo: (c: number) => ArrayLike<number>): void => {
  const n = minDist.length
  for (let s = 0; s < out.length; s++) {
    const c = farthestUntaken(minDist, taken, rank)
    out[s] = c
    taken[c] = 1
    if (s === out.length - 1) break
    const dist = distancesTo(c)
    for (let i = 0; i < n; i++) if (dist[i] < minDist[i]) minDist[i] = dist[i]
  }
}

/** `first`, then the other untaken rows farthest from their centres (ties: the lower rank), `count` in all at most. */
const farthestRows = (minDist: Float64Array, taken: Uint8Array, rank: Int32Array, count: number, first: number): Int32Array => {
  const best: Array<number> = []
  if (count <= 1) return Int32Array.of(first)
  const before = (a: number, b: number) => minDist[a] > minDist[b] || (minDist[a] === minDist[b] && rank[a] < rank[b])
  for (let i = 0; i < minDist.length; i++) {
    if (taken[i] !== 0 || i === first) continue
    if (best.length === count - 1 && !before(i, best[best.length - 1])) continue
    let p = best.length < count - 1 ? best.length : best.length - 1
    while (p > 0 && before(i, best[p - 1])) p--
    best.splice(p, 0, i)
    if (best.length > count - 1) best.pop()
  }
  return Int32Array.from([first, ...best])
}
