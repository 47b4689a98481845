import * as tf from "@tensorflow/tfjs-core"
import { forEachDistanceBlock, forEachPairBlock } from "./pair-blocks.js"
import { centringOffsetOf, productColumns, rowSquaredNormsOf } from "./distances.js"

/**
 * The greedy loop of MaxHerding and UHerding (Bae et al. 2024, 2025): over N points, the first
 * `labeled` of them labelled, maximise the weighted generalised coverage
 * Σ_j w_j · max over chosen s of K(x_s, x_j), K(x, y) = exp(−‖x − y‖² / h²) (the authors' RBF
 * kernel), starting from the labelled set's coverage: `want` times, the untaken candidate with the
 * largest gain Σ_j w_j · max(0, K(x_i, x_j) − m_j) is taken, m_j its coverage so far (ties: the
 * lower `rank`). The rows are L2-normalised first, as the authors' features are. Returns
 * candidate positions.
 *
 * Where the authors hold the N × N kernel, this takes the same picks in O(N) memory beside the
 * rows: the coverage objective is submodular, so a gain never grows as points are chosen, and a
 * gain computed at an earlier step bounds the current one from above (Minoux's lazy greedy). One
 * pass over all pairs gives the first gains; then only the candidates whose stale gain tops the
 * queue are measured again (eight at a time, one product of the rows with them), until the top
 * is fresh. When a pick covers few points better (at most 256), every gain is instead made exact
 * again from those points' products with every row, and the next top needs no measuring.
 * K(x_i, x_j) is only computed where it can exceed m_j: ‖x_i − x_j‖² < −h²·ln m_j. A point's
 * distance to itself is 0, as the authors' code forces it: from float32 products it comes out
 * near 1e-7, which at the small bandwidths of near-duplicate labelled points (h ≲ 2e-3) would
 * make K(x, x) fall below 1 and change the picks.
 */
export const herdingSelect = (x: tf.Tensor2D, labeled: number, want: number, weight: Float64Array, bandwidth: number, rank: Int32Array): Int32Array => {
  const N = x.shape[0]
  const out = new Int32Array(want)
  if (want === 0) return out
  const normalised = tf.tidy(() => {
    const unit = tf.div(x, tf.maximum(tf.norm(x, 2, 1, true), 1e-12))
    return tf.sub(unit, tf.tensor1d(centringOffsetOf(unit as tf.Tensor2D))) as tf.Tensor2D
  })
  try {
    const norms = rowSquaredNormsOf(normalised)
    const scale = 1 / (bandwidth * bandwidth)
    const kernel = (squared: number) => Math.exp(-(squared > 0 ? squared : 0) * scale)
    // m_j, and the squared distance below which a point adds to j's coverage
    const covered = new Float64Array(N)
    const within = new Float64Array(N).fill(Number.POSITIVE_INFINITY)
    const cover = (j: number, k: number) => {
      if (k <= covered[j]) return
      covered[j] = k
      within[j] = -Math.log(k) / scale
    }
    forEachDistanceBlock(
      normalised,
      (r0, r1, products) => {
        // an exp only where the labelled row covers j better than the rows before it
        for (let j = 0, e = 0; j < N; j++)
          for (let i = r0; i < r1; i++, e++) {
            const squared = i === j ? 0 : norms[i] + norms[j] - 2 * products[e]
            if (squared < within[j]) cover(j, kernel(squared))
          }
      },
      undefined,
      0,
      labeled
    )
    // the first gains, exact: one pass over the pairs, each adding to both its rows' gains
    const gain = new Float64Array(N)
    forEachPairBlock(normalised, (a0, a1, b0, b1, products) => {
      const A = a1 - a0
      for (let j = b0; j < b1; j++) {
        const [wj, limitJ, mj, nj] = [weight[j], within[j], covered[j], norms[j]]
        let gj = 0
        for (let i = a0, e = (j - b0) * A; i < a1 && i <= j; i++, e++) {
          const squared = i === j ? 0 : norms[i] + nj - 2 * products[e]
          if (i >= labeled && wj !== 0 && squared < limitJ) gain[i] += wj * (kernel(squared) - mj)
          if (i !== j && weight[i] !== 0 && squared < within[i]) gj += weight[i] * (kernel(squared) - covered[i])
        }
        if (j >= labeled) gain[j] += gj
      }
    })
    const fresh = new Int32Array(N) // the step at which each gain was measured
    const queue = new GainQueue(gain, rank)
    for (let i = labeled; i < N; i++) queue.push(i)
    const columns = productColumns(normalised, norms)
    /** Each gain of `rows` measured again against the current coverage; returns their products. */
    const measure = (rows: Int32Array, step: number) => {
      const block = columns(rows)
      rows.forEach((r, c) => {
        let g = 0
        for (let j = 0; j < N; j++) {
          const w = weight[j]
          if (w === 0) continue
          const squared = r === j ? 0 : norms[r] + norms[j] - 2 * block.products[j * block.width + c]
          if (squared < within[j]) g += w * (kernel(squared) - covered[j])
        }
        gain[r] = g
        fresh[r] = step
      })
      return block
    }
    let allFresh = 0 // the step at which every gain was last exact
    for (let s = 0; s < want; s++) {
      // until the top of the queue was measured at this step, measure the (up to) 8 stalest tops again
      let measured: { readonly rows: Int32Array; readonly block: ReturnType<typeof columns> } | undefined
      while (allFresh !== s && fresh[queue.peek()] !== s) {
        const stale: Array<number> = []
        while (stale.length < 8 && queue.size > 0 && fresh[queue.peek()] !== s) stale.push(queue.pop())
        const rows = Int32Array.from(stale)
        measured = { rows, block: measure(rows, s) }
        for (const r of stale) queue.push(r)
      }
      const best = queue.pop()
      out[s] = best - labeled
      if (s === want - 1) break
      // its kernel row covers: from the products it was measured with, or one product more
      const c = measured === undefined ? -1 : measured.rows.indexOf(best)
      const { products, width } = c >= 0 ? measured!.block : columns(Int32Array.of(best))
      const column = c >= 0 ? c : 0
      const rising: Array<number> = []
      const before: Array<number> = []
      for (let j = 0; j < N; j++) {
        const k = kernel(best === j ? 0 : norms[best] + norms[j] - 2 * products[j * width + column])
        if (k <= covered[j]) continue
        rising.push(j)
        before.push(covered[j])
        cover(j, k)
      }
      // few points better covered: every gain made exact again by what each of them no longer
      // adds (their products with every row); many: the gains stay stale, bounds for the lazy loop
      if (rising.length > exactUpdateLimit) continue
      for (let r0 = 0; r0 < rising.length; r0 += 8) {
        const rows = Int32Array.from(rising.slice(r0, r0 + 8))
        const block = columns(rows)
        rows.forEach((j, c) => {
          const [w, old, now] = [weight[j], before[r0 + c], covered[j]]
          if (w === 0) return
          const limit = old > 0 ? -Math.log(old) / scale : Number.POSITIVE_INFINITY
          for (let i = 0; i < N; i++) {
            const squared = i === j ? 0 : norms[i] + norms[j] - 2 * block.products[i * block.width + c]
            if (!(squared < limit)) continue
            const k = kernel(squared)
            gain[i] -= w * (k - old - (k > now ? k - now : 0))
          }
        })
      }
      queue.reorder()
      allFresh = s + 1
    }
    return out
  } finally {
    normalised.dispose()
  }
}

/** Above this many points better covered by a pick, the gains are left stale rather than updated (each costs a product with every row). */
const exactUpdateLimit = 256

/** A binary max-heap of row indices by (gain, then the lower rank), the gains read from `gain` when rows are compared. */
class GainQueue {
  private readonly heap: Array<number> = []
  constructor(
    private readonly gain: Float64Array,
    private readonly rank: Int32Array
  ) {}

  get size(): number {
    return this.heap.length
  }

  peek(): number {
    return this.heap[0]
  }

  /** Restores the order after any gains changed (Floyd's heap construction, O(size)). */
  reorder(): void {
    for (let p = (this.heap.length >> 1) - 1; p >= 0; p--) this.siftDown(p)
  }

  push(i: number): void {
    const h = this.heap
    let p = h.push(i) - 1
    while (p > 0) {
      const parent = (p - 1) >> 1
      if (!this.before(h[p], h[parent])) break
      ;[h[p], h[parent]] = [h[parent], h[p]]
      p = parent
    }
  }

  pop(): number {
    const h = this.heap
    const top = h[0]
    const last = h.pop()!
    if (h.length > 0) {
      h[0] = last
      this.siftDown(0)
    }
    return top
  }

  private siftDown(from: number): void {
    const h = this.heap
    for (let p = from; ; ) {
      const [a, b] = [2 * p + 1, 2 * p + 2]
      let m = p
      if (a < h.length && this.before(h[a], h[m])) m = a
      if (b < h.length && this.before(h[b], h[m])) m = b
      if (m === p) break
      ;[h[p], h[m]] = [h[m], h[p]]
      p = m
    }
  }

  private before(a: number, b: number): boolean {
    return this.gain[a] > this.gain[b] || (this.gain[a] === this.gain[b] && this.rank[a] < this.rank[b])
  }
}
