import type * as tf from "@tensorflow/tfjs-core"
import { defaultDistanceBudget, productColumns } from "./distances.js"
import { forEachPairBlock } from "./pair-blocks.js"

/** A symmetric graph in compressed rows: the neighbours of row i are `neighbours[offsets[i] … offsets[i + 1])`. */
export interface BallGraph {
  readonly offsets: Int32Array
  readonly neighbours: Int32Array
}

/**
 * The δ-ball graph of the rows of `centred` [N × d] (on the backend, centred: see
 * `centringOffsetOf`; `norms` their squared norms): i and j are joined when ‖x_i − x_j‖ < δ, and
 * each row is in its own ball. Each pair is decided once, so the graph is symmetric whatever the
 * products' rounding.
 */
export const ballGraph = (centred: tf.Tensor2D, norms: Float32Array, delta: number, budget = defaultDistanceBudget): BallGraph => {
  const pass = pairPass(centred, norms, budget, delta * delta)
  return graphOf(centred.shape[0], pass.pairs, pass.count)
}

/**
 * ProbCover's δ by its purity rule (Yehuda et al. 2022): the largest δ for which at least a
 * fraction `purity` of the balls B_δ(x) hold only points of x's cluster (`clusters`, a k-means
 * labelling). A ball is pure while δ ≤ r(x), the distance from x to the nearest point of another
 * cluster, so that δ is a quantile of r — exact, where the authors search a grid. 0 when some
 * fraction above 1 − purity has a point of another cluster at distance 0.
 */
export const purityDelta = (centred: tf.Tensor2D, norms: Float32Array, clusters: Int32Array, purity: number, budget = defaultDistanceBudget): number =>
  quantileDelta(pairPass(centred, norms, budget, Number.NEGATIVE_INFINITY, clusters).r, purity)

/**
 * The purity rule's δ and the δ-ball graph together, the same as `purityDelta` then `ballGraph`,
 * in one pass over the pairs rather than two where it can: the nearest other-cluster distances
 * of `sampleRows` evenly spaced rows bound δ from above (their quantile at 1 − purity + 0.02),
 * and the pass that measures every row's keeps the pairs closer than that bound. When δ comes out
 * above the bound, or the pairs would pass 2^24, a second pass builds the graph.
 */
export const purityBallGraph = (
  centred: tf.Tensor2D,
  norms: Float32Array,
  clusters: Int32Array,
  purity: number,
  budget = defaultDistanceBudget,
  sampleRows = 1024
): { readonly delta: number; readonly graph: BallGraph } => {
  const N = centred.shape[0]
  const bound = sampledBound(centred, norms, clusters, purity, Math.min(N, sampleRows), budget)
  const pass = pairPass(centred, norms, budget, bound, clusters)
  const delta = quantileDelta(pass.r, purity)
  const limit = delta * delta
  if (pass.overflow || !(limit <= bound)) return { delta, graph: ballGraph(centred, norms, delta, budget) }
  // keep the pairs under δ² (in place)
  let kept = 0
  for (let p = 0; p < pass.count; p++) {
    if (!(pass.squared[p] < limit)) continue
    pass.pairs[2 * kept] = pass.pairs[2 * p]
    pass.pairs[2 * kept + 1] = pass.pairs[2 * p + 1]
    kept++
  }
  return { delta, graph: graphOf(N, pass.pairs, kept) }
}

/** At most this many pairs are kept by one pass before it gives up keeping them (2^24: 256 MB with their distances). */
const maxKeptPairs = 2 ** 24

/**
 * One pass over every pair i < j (`forEachPairBlock`): keeps the pairs whose squared distance
 * (clamped at 0) is under `limit`, with it; with `clusters`, also each row's squared distance
 * to the nearest row of another cluster (`r`, +∞ without one).
 */
const pairPass = (centred: tf.Tensor2D, norms: Float32Array, budget: number, limit: number, clusters?: Int32Array) => {
  const N = centred.shape[0]
  const r = new Float64Array(N).fill(Number.POSITIVE_INFINITY)
  let pairs = new Int32Array(Math.max(16, 4 * N))
  let squared = new Float64Array(pairs.length / 2)
  let count = 0
  let overflow = false
  forEachPairBlock(
    centred,
    (a0, a1, b0, b1, products) => {
      const A = a1 - a0
      for (let j = b0; j < b1; j++) {
        const nj = norms[j]
        const cj = clusters === undefined ? 0 : clusters[j]
        let rj = r[j]
        for (let i = a0, e = (j - b0) * A; i < a1 && i < j; i++, e++) {
          const raw = norms[i] + nj - 2 * products[e]
          const v = raw > 0 ? raw : 0
          if (clusters !== undefined && clusters[i] !== cj) {
            if (v < r[i]) r[i] = v
            if (v < rj) rj = v
          }
          if (!(v < limit) || overflow) continue
          if (count === maxKeptPairs) {
            overflow = true
            continue
          }
          if (2 * count + 2 > pairs.length) {
            const grown = new Int32Array(2 * pairs.length)
            grown.set(pairs)
            pairs = grown
            const more = new Float64Array(2 * squared.length)
            more.set(squared)
            squared = more
          }
          pairs[2 * count] = i
          pairs[2 * count + 1] = j
          squared[count] = v
          count++
        }
        r[j] = rj
      }
    },
    budget
  )
  return { r, pairs, squared, count, overflow }
}

/** δ from the squared nearest other-cluster distances `r`: the square root of their (1 − purity) quantile. */
const quantileDelta = (r: Float64Array, purity: number): number => {
  const N = r.length
  if (N === 0) return 0
  const sorted = Float64Array.from(r).sort()
  const q = sorted[Math.min(N - 1, Math.floor(N * (1 - purity)))]
  return Number.isFinite(q) ? Math.sqrt(q) : Number.POSITIVE_INFINITY
}

/**
 * An upper bound on δ² with high probability: the (1 − purity + 0.02) quantile of the squared
 * nearest other-cluster distances of `S` evenly spaced rows, measured against every row.
 */
const sampledBound = (centred: tf.Tensor2D, norms: Float32Array, clusters: Int32Array, purity: number, S: number, budget: number): number => {
  const N = centred.shape[0]
  const rows = Int32Array.from({ length: S }, (_, s) => Math.floor((s * N) / S))
  const r = new Float64Array(S).fill(Number.POSITIVE_INFINITY)
  const columns = productColumns(centred, norms)
  const width = Math.max(1, Math.min(64, Math.floor(budget / Math.max(1, N))))
  for (let s0 = 0; s0 < S; s0 += width) {
    const block = rows.subarray(s0, Math.min(S, s0 + width))
    const { products, width: w } = columns(block)
    block.forEach((row, c) => {
      let least = Number.POSITIVE_INFINITY
      for (let j = 0; j < N; j++) {
        if (clusters[j] === clusters[row]) continue
        const v = norms[row] + norms[j] - 2 * products[j * w + c]
        if (v < least) least = v
      }
      r[s0 + c] = Math.max(0, least)
    })
  }
  r.sort()
  return r[Math.min(S - 1, Math.ceil(S * (1 - purity + 0.02)))]
}

/** The symmetric graph of `count` pairs (i, j) in `pairs` (interleaved), each row also its own neighbour. */
const graphOf = (N: number, pairs: Int32Array, count: number): BallGraph => {
  const offsets = new Int32Array(N + 1)
  for (let i = 0; i < N; i++) offsets[i + 1] = 1 // itself
  for (let p = 0; p < 2 * count; p++) offsets[pairs[p] + 1]++
  for (let i = 0; i < N; i++) offsets[i + 1] += offsets[i]
  const neighbours = new Int32Array(offsets[N])
  const next = offsets.slice(0, N)
  for (let i = 0; i < N; i++) neighbours[next[i]++] = i
  for (let p = 0; p < count; p++) {
    const [i, j] = [pairs[2 * p], pairs[2 * p + 1]]
    neighbours[next[i]++] = j
    neighbours[next[j]++] = i
  }
  return { offsets, neighbours }
}
