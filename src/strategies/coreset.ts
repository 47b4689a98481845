import * as tf from "@tensorflow/tfjs-core"
import type { RandomStream } from "../runtime/random.js"
import { tidyValue } from "../runtime/tidy-value.js"
import { centringOffsetOf, defaultDistanceBudget, gatherRows, minSquaredDistances, type ProductColumns, productColumns, rowSquaredNormsOf, squaredDistancesToRow } from "./kernels/distances.js"
import { nearestCentres } from "./kernels/kmeans.js"
import { tieBreakRanks } from "./kernels/tie-break.js"
import { required, type Strategy } from "./strategy.js"

/** Below this many multiply-adds per distance column (n·d), k-center greedy takes exact differences. */
const exactBelowDefault = 1 << 20

/**
 * Core-set (its paper, rule and direction: `doc`, below).
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
  /** On the product path, the rows kept up to date from the start (default max(4·k, 2,048); see `kCenterGreedyOnBackend`). */
  readonly activeRows?: number
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
 *
 * Pruned, with the same picks as without: only the "active" rows are kept up to date as centres
 * are added. Every other row's distance is stale, measured against only some of the centres: half
 * the labelled set (of 16 or more) and the centres chosen before it last joined. A stale distance
 * bounds the true one from above, so while the farthest active row is farther than every stale
 * distance (`ceiling`) it is the farthest of all. When it is not, the active set doubles: the rows
 * with the largest stale distances join, measured against the centres they missed (past an
 * eighth of the pool, every row is active). The farthest rows of a pool are few: at 100,000
 * uniform rows with k = 1,000, the columns of products are those of about 8,000 active rows.
 */
export const kCenterGreedyOnBackend = (x: tf.Tensor2D, centres: tf.Tensor2D, k: number, rng: RandomStream, options: KCenterOptions = {}): Int32Array => {
  const [n, d] = x.shape
  const m = centres.shape[0]
  const want = Math.min(Math.max(0, k), n)
  const out = new Int32Array(want)
  if (want === 0) return out
  const budget = options.budget ?? defaultDistanceBudget
  const rank = tieBreakRanks(n, rng)
  // distances after centring (an offset every row shares costs no precision), but without a
  // centred copy of the pool: each block of rows, and each product column, is shifted as it is used
  const offset = centringOffsetOf(x, budget)
  const norms = rowSquaredNormsOf(x, budget, offset)
  let s = 0
  let minDist: Float64Array
  let pending: Float32Array = new Float32Array(0)
  if (m > 0) {
    const labelled = tidyValue(() => tf.sub(centres, tf.tensor1d(offset)).dataSync() as Float32Array)
    // every other labelled row of a large labelled set bounds each row's distance from above;
    // only the active rows are measured against the rest
    const stride = m >= 16 ? 2 : 1
    const bound = Int32Array.from({ length: Math.ceil(m / stride) }, (_, j) => j * stride)
    const rest = Int32Array.from({ length: m }, (_, j) => j).filter((j) => j % stride !== 0)
    minDist = nearestCentres(x, norms, gatherRows(labelled, d, bound), bound.length, { budget, which: false, offset }).distance
    pending = gatherRows(labelled, d, rest)
  } else {
    // no labelled set: every row is equally far (+∞), the lowest rank goes first
    const first = rank.indexOf(0)
    minDist = productColumns(x, norms, offset)(Int32Array.of(first)).distances(0)
    out[s++] = first
  }
  const active = new ActiveRows(x, norms, minDist, offset, budget, pending)
  try {
    for (let t = 0; t < s; t++) active.take(out[t])
    active.grow(options.activeRows ?? Math.max(4 * want, 2048), out.subarray(0, s))
    let c = active.farthest(rank, out.subarray(0, s))
    // the speculative columns: products with the B farthest untaken active rows, read back
    // together (8 columns cost little more than one: reading the rows once is the price)
    let rows: Int32Array = new Int32Array(0)
    let block: ProductColumns | undefined
    for (; s < want; s++) {
      out[s] = c
      active.take(c)
      if (s === want - 1) break
      const { act, pos } = active
      let j = block === undefined || active.grew ? -1 : rows.indexOf(pos[c])
      if (j < 0 || block === undefined) {
        const B = Math.max(1, Math.min(8, want - s - 1, Math.floor(budget / act.length)))
        rows = farthestRows(minDist, active.taken, rank, B, c, act).map((i) => pos[i])
        block = active.columns(rows)
        j = 0
      }
      // one pass over the active rows: the running minima from the new centre's column, and the next farthest row
      const { products, width } = block
      const own = norms[c]
      let next = -1
      let farthest = -1
      for (let t = 0; t < act.length; t++) {
        const i = act[t]
        const v = norms[i] + own - 2 * products[t * width + j]
        if (v < minDist[i]) minDist[i] = v > 0 ? v : 0
        const d = minDist[i]
        if (d > farthest || (d === farthest && rank[i] < rank[next])) {
          farthest = d
          next = i
        }
      }
      c = farthest > active.ceiling ? next : active.farthest(rank, out.subarray(0, s + 1))
    }
  } finally {
    active.dispose()
  }
  return out
}

/**
 * The rows k-center greedy keeps up to date (`kCenterGreedyOnBackend`): `act` their indices,
 * `pos` each row's place among them (−1: inactive), their rows gathered into one tensor (the
 * pool itself once all are active), `ceiling` the largest stale distance of an inactive row.
 */
class ActiveRows {
  act = new Int32Array(0)
  readonly pos: Int32Array
  ceiling = Number.POSITIVE_INFINITY
  /** Whether the set grew since the last `columns`. */
  grew = false
  private rows: tf.Tensor2D | undefined
  private products: ((rows: Int32Array) => ProductColumns) | undefined
  readonly taken: Uint8Array

  constructor(
    private readonly x: tf.Tensor2D,
    private readonly norms: Float32Array,
    private readonly minDist: Float64Array,
    private readonly offset: Float32Array,
    private readonly budget: number,
    /** Centres (centred, [· × d]) that the distances of inactive rows leave out, beside those chosen. */
    private readonly pending: Float32Array
  ) {
    this.pos = new Int32Array(x.shape[0]).fill(-1)
    this.taken = new Uint8Array(x.shape[0])
  }

  /** Marks row `c` a centre: never the farthest again, never updated (distances are ≥ 0). */
  take(c: number): void {
    this.taken[c] = 1
    this.minDist[c] = -1
  }

  /**
   * At least `size` rows active (all past an eighth of the pool, so that the gathered copy stays
   * small beside the pool): the inactive rows with the largest stale distances join, brought up
   * to date against the pending and the `chosen` centres.
   */
  grow(size: number, chosen: Int32Array): void {
    const n = this.x.shape[0]
    const inactive = new Int32Array(n - this.act.length)
    let count = 0
    for (let i = 0; i < n; i++) if (this.pos[i] < 0) inactive[count++] = i
    const stale = Float64Array.from(inactive, (i) => this.minDist[i]).sort()
    const join = size > n / 8 ? count : Math.min(count, Math.max(1, size - this.act.length))
    const threshold = join === count ? Number.NEGATIVE_INFINITY : stale[count - join]
    let below = count - join - 1
    while (below >= 0 && stale[below] >= threshold) below--
    this.ceiling = below >= 0 ? stale[below] : Number.NEGATIVE_INFINITY
    const joining = inactive.filter((i) => this.minDist[i] >= threshold)
    const { x, norms, offset, budget, minDist, pending } = this
    const d = x.shape[1]
    if (pending.length + chosen.length > 0 && joining.length > 0) {
      const centres = new Float32Array(pending.length + chosen.length * d)
      centres.set(pending)
      if (chosen.length > 0) centres.set(tidyValue(() => tf.sub(tf.gather(x, tf.tensor1d(chosen, "int32")), tf.tensor1d(offset)).dataSync() as Float32Array), pending.length)
      const rows = tf.tidy(() => tf.gather(x, tf.tensor1d(joining, "int32")) as tf.Tensor2D)
      try {
        const update = nearestCentres(rows, Float32Array.from(joining, (i) => norms[i]), centres, centres.length / d, { budget, which: false, offset }).distance
        joining.forEach((i, t) => {
          if (update[t] < minDist[i]) minDist[i] = update[t]
        })
      } finally {
        rows.dispose()
      }
    }
    const act = new Int32Array(this.act.length + joining.length)
    act.set(this.act)
    act.set(joining, this.act.length)
    if (act.length === n) act.sort()
    act.forEach((i, t) => {
      this.pos[i] = t
    })
    this.act = act
    if (this.rows !== undefined && this.rows !== this.x) this.rows.dispose()
    this.rows = act.length === n ? this.x : tf.tidy(() => tf.gather(this.x, tf.tensor1d(act, "int32")) as tf.Tensor2D)
    this.products = undefined
    this.grew = true
  }

  /** The farthest untaken row of all (ties: the lower rank), growing the active set until no inactive row can be farther. */
  farthest(rank: Int32Array, chosen: Int32Array): number {
    for (;;) {
      let best = -1
      for (const i of this.act) {
        if (this.taken[i] !== 0) continue
        if (best < 0 || this.minDist[i] > this.minDist[best] || (this.minDist[i] === this.minDist[best] && rank[i] < rank[best])) best = i
      }
      if ((best >= 0 && this.minDist[best] > this.ceiling) || this.act.length === this.pos.length) return best
      this.grow(2 * this.act.length, chosen)
    }
  }

  /** The products of every active row with the active rows at places `rows` (see `productColumns`). */
  columns(rows: Int32Array): ProductColumns {
    if (this.products === undefined) this.products = productColumns(this.rows!, Float32Array.from(this.act, (i) => this.norms[i]), this.offset)
    this.grew = false
    return this.products(rows)
  }

  dispose(): void {
    if (this.rows !== undefined && this.rows !== this.x) this.rows.dispose()
  }
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

/** `first`, then the other untaken rows of `among` farthest from their centres (ties: the lower rank), `count` in all at most. */
const farthestRows = (minDist: Float64Array, taken: Uint8Array, rank: Int32Array, count: number, first: number, among: Int32Array): Int32Array => {
  const best: Array<number> = []
  if (count <= 1) return Int32Array.of(first)
  const before = (a: number, b: number) => minDist[a] > minDist[b] || (minDist[a] === minDist[b] && rank[a] < rank[b])
  for (const i of among) {
    if (taken[i] !== 0 || i === first) continue
    if (best.length === count - 1 && !before(i, best[best.length - 1])) continue
    let p = best.length < count - 1 ? best.length : best.length - 1
    while (p > 0 && before(i, best[p - 1])) p--
    best.splice(p, 0, i)
    if (best.length > count - 1) best.pop()
  }
  return Int32Array.from([first, ...best])
}
