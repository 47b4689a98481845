import * as tf from "@tensorflow/tfjs-core"
import { hostView, readInto } from "../../runtime/read-into.js"
import { tidyValue } from "../../runtime/tidy-value.js"
import type { RandomStream } from "../../runtime/random.js"

/**
 * Squared Euclidean distances for the diversity strategies, over embeddings held as row-major
 * typed arrays [n × d], in one place: k-means, k-means++, k-center greedy, BADGE, TypiClust and
 * Cluster-Margin all measure distance here. Pool-sized work is either one tight typed-array loop
 * (O(n·d) per step, O(n) extra memory) or a chunked tensor product whose temporaries stay under a
 * float budget.
 */

/** Default cap on the floats of one temporary distance block (4 Mi floats = 16 MiB). */
export const defaultDistanceBudget = 1 << 22

/** The rows `rows` of `x` [· × d] (row-major), in that order, as one new array [rows × d]. */
export const gatherRows = (x: Float32Array, d: number, rows: ArrayLike<number>): Float32Array => {
  const out = new Float32Array(rows.length * d)
  for (let j = 0; j < rows.length; j++) out.set(x.subarray(rows[j] * d, (rows[j] + 1) * d), j * d)
  return out
}

/** Squared Euclidean norm of each row. */
export const rowSquaredNorms = (x: Float32Array, n: number, d: number): Float64Array => {
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let j = i * d, e = j + d; j < e; j++) s += x[j] * x[j]
    out[i] = s
  }
  return out
}

/** ‖x_i − c‖² for every row i of `x` [n × d], directly from the differences (exact to the float64 sum). */
export const squaredDistancesToRow = (x: Float32Array, n: number, d: number, centre: ArrayLike<number>, out = new Float64Array(n)): Float64Array => {
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let j = 0, o = i * d; j < d; j++) {
      const v = x[o + j] - centre[j]
      s += v * v
    }
    out[i] = s
  }
  return out
}

/**
 * ‖x − c‖² = ‖x‖² + ‖c‖² − 2⟨x, c⟩ from the two squared norms and the inner product, clamped at 0
 * (rounding can take it below): for points known only through inner products, such as BADGE's
 * factorised gradient embeddings.
 */
export const squaredDistanceFromDots = (xx: number, cc: number, xc: number): number => {
  const v = xx + cc - 2 * xc
  return v > 0 ? v : 0
}

/**
 * What to subtract from every row (and centre) before distances are taken as
 * ‖x‖² + ‖c‖² − 2·x·c in float32: the column means of `x`, each rounded to a multiple of the
 * largest power of two not above the column's standard deviation. Centring takes away an offset
 * the rows share (ReLU features are all positive), which would otherwise cancel in the
 * subtraction and leave only rounding noise of distances small next to ‖x‖²; the rounding keeps
 * values on a coarse grid (integers) exact after the subtraction. Distances do not change.
 */
export const centringOffset = (x: Float32Array, n: number, d: number): Float32Array => {
  const mean = new Float64Array(d)
  const spread = new Float64Array(d)
  if (n === 0) return new Float32Array(d)
  for (let i = 0; i < n; i++) for (let j = 0, o = i * d; j < d; j++) mean[j] += x[o + j]
  for (let j = 0; j < d; j++) mean[j] /= n
  for (let i = 0; i < n; i++) for (let j = 0, o = i * d; j < d; j++) spread[j] += (x[o + j] - mean[j]) ** 2
  return roundedOffset(mean, Float64Array.from(spread, (v) => Math.sqrt(v / n)))
}

/**
 * The offset for rows held by the backend, `x` [n × d]: their column means. On wasm one pass over
 * the heap; elsewhere products 1ᵀ·x / n a block of rows at a time (tfjs reduces a leading axis
 * through a transpose of the whole pool). Not rounded: the product path is for large pools of
 * real embeddings, not grids of integers.
 */
export const centringOffsetOf = (x: tf.Tensor2D, budget = defaultDistanceBudget): Float32Array => {
  const [n, d] = x.shape
  const sums = new Float64Array(d)
  const view = hostView(x)
  if (view !== undefined) for (let o = 0; o < n * d; o += d) for (let j = 0; j < d; j++) sums[j] += view[o + j]
  else
    forEachRowBlock(x, budget, (block, rows) => {
      const s = tidyValue(() => tf.matMul(tf.ones([1, rows]), block).dataSync() as Float32Array)
      for (let j = 0; j < d; j++) sums[j] += s[j]
    })
  return Float32Array.from(sums, (v) => v / Math.max(1, n))
}

/**
 * The squared norm of each row of `x` [n × d] on the backend (of x − `offset` when one is given):
 * on wasm one pass over the heap, elsewhere a block of rows at a time.
 */
export const rowSquaredNormsOf = (x: tf.Tensor2D, budget = defaultDistanceBudget, offset?: Float32Array): Float32Array => {
  const [n, d] = x.shape
  const out = new Float32Array(n)
  const view = hostView(x)
  if (view !== undefined) {
    const o = offset ?? new Float32Array(d)
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let j = 0, r = i * d; j < d; j++) {
        const v = Math.fround(view[r + j] - o[j])
        s += v * v
      }
      out[i] = s
    }
    return out
  }
  let r0 = 0
  forEachRowBlock(x, budget, (block, rows) => {
    tidyValue(() => readInto(tf.sum(tf.square(offset === undefined ? block : tf.sub(block, tf.tensor1d(offset))), 1), out.subarray(r0, r0 + rows)))
    r0 += rows
  })
  return out
}

/**
 * `visit(block, rows)` for consecutive blocks of rows of `x` [n × d] of at most `budget` floats
 * (each block freed after its visit): pool-wide reductions without a pool-sized temporary.
 */
const forEachRowBlock = (x: tf.Tensor2D, budget: number, visit: (block: tf.Tensor2D, rows: number) => void): void => {
  const [n, d] = x.shape
  const rows = Math.max(1, Math.floor(budget / Math.max(1, d)))
  for (let r0 = 0; r0 < n; r0 += rows) {
    const r1 = Math.min(n, r0 + rows)
    const block = tf.slice(x, [r0, 0], [r1 - r0, d])
    try {
      visit(block, r1 - r0)
    } finally {
      block.dispose()
    }
  }
}

/** Each mean rounded to a multiple of the largest power of two not above its standard deviation (0 without spread). */
const roundedOffset = (mean: ArrayLike<number>, sd: ArrayLike<number>): Float32Array =>
  Float32Array.from({ length: mean.length }, (_, j) => {
    if (!(sd[j] > 0) || !Number.isFinite(mean[j])) return 0
    const grid = 2 ** Math.floor(Math.log2(sd[j]))
    return Math.round(mean[j] / grid) * grid
  })

/**
 * ‖a_i − b_j‖² for every row of `a` [p × d] and of `b` [q × d] (centred alike, see
 * `centringOffset`), as ‖a‖² + ‖b‖² − 2·a·bᵀ clamped at 0: one product on the backend. `aNorms`
 * are ‖a_i‖² when they are already known. Call it inside a tidy.
 */
export const pairwiseSquaredDistances = (a: tf.Tensor, b: tf.Tensor, aNorms: tf.Tensor = tf.sum(tf.square(a), 1)): tf.Tensor =>
  tf.relu(tf.add(tf.sub(tf.expandDims(aNorms, 1), tf.mul(2, tf.matMul(a, b, false, true))), tf.sum(tf.square(b), 1)))

/** Products of a pool with a few of its rows (`productColumns`). */
export interface ProductColumns {
  /** (pool − offset) · (pool[rows] − offset)ᵀ [n × width], row-major. */
  readonly products: Float32Array
  readonly width: number
  /** ‖pool_i − pool_rows[j]‖² for every i, clamped at 0 (into memory the next call reuses). */
  readonly distances: (j: number) => Float64Array
}

/**
 * Squared distances of every row of `pool` [n × d] to a few of its rows, from one product with
 * them: `productColumns(pool, norms, offset)(rows).distances(j)` is ‖pool_i − pool_rows[j]‖² for
 * every i, `norms` the squared norms of the rows less `offset` (see `centringOffsetOf`). The pool
 * itself need not be centred, nor copied: with c = pool_rows[j] − offset (a few rows, centred
 * here), (x − offset)·c = x·c − offset·c, the second term one number per column; the products
 * are of centred magnitudes, so no precision goes to an offset the rows share. A product of a
 * few columns costs about what one does (reading the pool is the price), which is why k-center
 * greedy and k-means++ ask for several at once. The products live in memory the next call reuses.
 */
export const productColumns = (pool: tf.Tensor, norms: ArrayLike<number>, offset?: Float32Array) => {
  const [n, d] = pool.shape
  let products = new Float32Array(0)
  const dist = new Float64Array(n)
  return (rows: Int32Array): ProductColumns => {
    const width = rows.length
    if (products.length < n * width) products = new Float32Array(n * width)
    const shift = new Float64Array(width)
    tidyValue(() => {
      let columns = tf.gather(pool, tf.tensor1d(rows, "int32"))
      if (offset !== undefined) {
        columns = tf.sub(columns, tf.tensor1d(offset))
        const values = columns.dataSync()
        for (let j = 0; j < width; j++) for (let t = 0; t < d; t++) shift[j] += offset[t] * values[j * d + t]
      }
      readInto(tf.matMul(pool, columns, false, true), products)
    })
    if (offset !== undefined) for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) products[i * width + j] -= shift[j]
    const block = products
    return {
      products: block,
      width,
      distances: (j) => {
        const c = norms[rows[j]]
        for (let i = 0; i < n; i++) {
          const v = norms[i] + c - 2 * block[i * width + j]
          dist[i] = v > 0 ? v : 0
        }
        return dist
      }
    }
  }
}

/**
 * For every row of `x` [n × d], its nearest row of `centres` [m × d] (the lowest index on ties)
 * and the squared distance to it, ‖x‖² + ‖c‖² − 2·x·c clamped at 0 after both are centred
 * (`centringOffset`), computed as tensor products in blocks of rows × centres whose size stays
 * under `budget` floats. With m = 0 every distance is +∞ and every nearest −1.
 */
export const nearestSquaredDistances = (
  x: Float32Array,
  n: number,
  d: number,
  centres: Float32Array,
  m: number,
  budget = defaultDistanceBudget
): { readonly nearest: Int32Array; readonly distance: Float64Array } => {
  const distance = new Float64Array(n).fill(Number.POSITIVE_INFINITY)
  const nearest = new Int32Array(n).fill(-1)
  if (m === 0 || n === 0) return { nearest, distance }
  const offset = tf.tensor1d(centringOffset(x, n, d))
  const colBlock = Math.max(1, Math.min(m, Math.floor(budget / Math.max(1, Math.min(n, 1024)))))
  const rowBlock = Math.max(1, Math.min(n, Math.floor(budget / colBlock)))
  for (let c0 = 0; c0 < m; c0 += colBlock) {
    const c1 = Math.min(m, c0 + colBlock)
    const cT = tf.tidy(() => tf.sub(tf.tensor2d(centres.subarray(c0 * d, c1 * d), [c1 - c0, d]), offset))
    for (let r0 = 0; r0 < n; r0 += rowBlock) {
      const r1 = Math.min(n, r0 + rowBlock)
      const [min, argMin] = tidyValue(() => {
        const xb = tf.sub(tf.tensor2d(x.subarray(r0 * d, r1 * d), [r1 - r0, d]), offset)
        const dist = pairwiseSquaredDistances(xb, cT)
        return [tf.min(dist, 1).dataSync(), tf.argMin(dist, 1).dataSync()] as const
      })
      for (let i = r0; i < r1; i++) {
        if (c0 === 0 || min[i - r0] < distance[i]) {
          distance[i] = min[i - r0]
          nearest[i] = c0 + argMin[i - r0]
        }
      }
    }
    cT.dispose()
  }
  offset.dispose()
  return { nearest, distance }
}

/**
 * For every row of `x` [n × d], the squared distance to the nearest row of `centres` [m × d]
 * (+∞ when m = 0): `nearestSquaredDistances` without the index.
 */
export const minSquaredDistances = (
  x: Float32Array,
  n: number,
  d: number,
  centres: Float32Array,
  m: number,
  budget = defaultDistanceBudget
): Float64Array => nearestSquaredDistances(x, n, d, centres, m, budget).distance

/**
 * One D² draw (Arthur & Vassilvitskii 2007): an index i with probability weight[i] / Σ weight,
 * skipping `taken`; uniform over the untaken when every weight is 0.
 */
export const weightedDraw = (weight: Float64Array, taken: Uint8Array, rng: RandomStream): number => {
  const n = weight.length
  let total = 0
  for (let i = 0; i < n; i++) if (taken[i] === 0 && weight[i] > 0) total += weight[i]
  if (total > 0 && Number.isFinite(total)) {
    let u = rng.next() * total
    let last = -1
    for (let i = 0; i < n; i++) {
      if (taken[i] !== 0 || !(weight[i] > 0)) continue
      last = i
      u -= weight[i]
      if (u < 0) return i
    }
    if (last >= 0) return last
  }
  let free = 0
  for (let i = 0; i < n; i++) if (taken[i] === 0) free++
  let r = rng.int(free)
  for (let i = 0; i < n; i++) if (taken[i] === 0 && r-- === 0) return i
  return -1
}
