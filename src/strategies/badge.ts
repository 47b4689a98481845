import * as tf from "@tensorflow/tfjs-core"
import type { RandomStream } from "../runtime/random.js"
import { readInto } from "../runtime/read-into.js"
import { tidyValue } from "../runtime/tidy-value.js"
import { rowSquaredNorms, rowSquaredNormsOf, squaredDistanceFromDots } from "./kernels/distances.js"
import { dSquaredSeeds } from "./kernels/kmeans.js"
import { tieBreakRanks } from "./kernels/tie-break.js"
import { required, type Strategy } from "./strategy.js"

/**
 * BADGE, batch active learning by diverse gradient embeddings (its paper, rule and direction: `doc`, below).
 * How: k-means++ seeding over the last-layer gradient embeddings at the predicted label, g = (p −
 * onehot(ŷ)) ⊗ h, so large (uncertain) and mutually distant (diverse) gradients are queried.
 * The embeddings stay factorised; distances are computed from the two factors (for large pools
 * as products on the backend, a batch of D² proposals at a time).
 */
export const badge: Strategy = {
  name: "badge",
  aliases: ["BadgeSampling", "BADGE"],
  doc: {
    rule: "k-means++ seeding over gradient embeddings (p − onehot(ŷ)) ⊗ h: largest norm first, then D² draws",
    citation: "Ash, Zhang, Krishnamurthy, Langford & Agarwal (2020), Deep Batch Active Learning by Diverse, Uncertain Gradient Lower Bounds, ICLR",
    direction: "largest gradient first, then far from the chosen (D² sampling)"
  },
  needs: ["gradientEmbeddings"],
  select: (input) => {
    const { residual, features } = required(input, "gradientEmbeddings", "badge")
    const [n, c] = residual.shape
    const d = features.shape[1]
    const picked =
      n * (c + d) >= productsFrom
        ? badgeSeedsOnBackend(residual, features, input.k, input.rng)
        : badgeSeeds({ n, c, d, residual: residual.dataSync() as Float32Array, features: features.dataSync() as Float32Array }, input.k, input.rng)
    return picked.map((p) => input.candidates[p])
  }
}

/** From this many multiply-adds per distance column (n·(C + d)) on, BADGE's distances are products on the backend. */
const productsFrom = 1 << 20

/**
 * Gradient embeddings g_i = r_i ⊗ h_i held in factors: residuals r [n × C] and features
 * h [n × d]. Inner products and distances factorise,
 * ⟨g_i, g_j⟩ = ⟨r_i, r_j⟩·⟨h_i, h_j⟩ and ‖g_i − g_j‖² = ‖g_i‖² + ‖g_j‖² − 2⟨g_i, g_j⟩,
 * so a distance costs O(C + d) instead of O(C·d) and no n × C·d matrix is ever built.
 */
export interface FactorisedEmbeddings {
  readonly n: number
  readonly c: number
  readonly d: number
  readonly residual: Float32Array
  readonly features: Float32Array
}

/** ‖g_i‖² = ‖r_i‖²·‖h_i‖² for every row. */
export const gradientSquaredNorms = (g: FactorisedEmbeddings): Float64Array => {
  const r = rowSquaredNorms(g.residual, g.n, g.c)
  const h = rowSquaredNorms(g.features, g.n, g.d)
  return r.map((ri, i) => ri * h[i])
}

/** ‖g_i − g_c‖² for every row i (clamped at 0), from the factors, in one O(n·(C + d)) pass. */
export const gradientSquaredDistancesTo = (g: FactorisedEmbeddings, norms: Float64Array, c: number, out = new Float64Array(g.n)): Float64Array => {
  const rc = c * g.c
  const hc = c * g.d
  for (let i = 0; i < g.n; i++) {
    let r = 0
    for (let j = 0, o = i * g.c; j < g.c; j++) r += g.residual[o + j] * g.residual[rc + j]
    let h = 0
    for (let j = 0, o = i * g.d; j < g.d; j++) h += g.features[o + j] * g.features[hc + j]
    out[i] = squaredDistanceFromDots(norms[i], norms[c], r * h)
  }
  return out
}

/**
 * k-means++ seeding over factorised gradient embeddings, as BADGE does: the first centre is the
 * largest gradient norm (Ash et al.'s code; ties by seeded ranks), each next one a D² draw
 * (`dSquaredSeeds`). Returns k distinct positions.
 */
export const badgeSeeds = (g: FactorisedEmbeddings, k: number, rng: RandomStream): Int32Array => {
  const norms = gradientSquaredNorms(g)
  const scratch = new Float64Array(g.n)
  return seedsFrom(norms, k, rng, (rows) => (j) => gradientSquaredDistancesTo(g, norms, rows[j], scratch))
}

/**
 * `badgeSeeds` on factors held by the backend, residuals [n × C] and features [n × d]: the inner
 * products of a batch of D² proposals with every row come as two products, ⟨r_i, r_c⟩ and
 * ⟨h_i, h_c⟩, multiplied there and read back together.
 */
export const badgeSeedsOnBackend = (residual: tf.Tensor2D, features: tf.Tensor2D, k: number, rng: RandomStream): Int32Array => {
  const n = residual.shape[0]
  const r = rowSquaredNormsOf(residual)
  const h = rowSquaredNormsOf(features)
  const norms = Float64Array.from(r, (v, i) => v * h[i])
  let dots = new Float32Array(0)
  const dist = new Float64Array(n)
  return seedsFrom(norms, k, rng, (rows) => {
    const width = rows.length
    if (dots.length < n * width) dots = new Float32Array(n * width)
    tidyValue(() => {
      const idx = tf.tensor1d(rows, "int32")
      readInto(tf.mul(tf.matMul(residual, tf.gather(residual, idx), false, true), tf.matMul(features, tf.gather(features, idx), false, true)), dots)
    })
    const block = dots
    return (j) => {
      for (let i = 0; i < n; i++) dist[i] = squaredDistanceFromDots(norms[i], norms[rows[j]], block[i * width + j])
      return dist
    }
  })
}

/** D² seeds from the largest norm (ties by seeded ranks), with the distances `columns` gives. */
const seedsFrom = (norms: Float64Array, k: number, rng: RandomStream, columns: (rows: Int32Array) => (j: number) => ArrayLike<number>): Int32Array => {
  const n = norms.length
  if (Math.min(k, n) <= 0) return new Int32Array(0)
  const rank = tieBreakRanks(n, rng)
  let first = rank.indexOf(0)
  for (let i = 0; i < n; i++) if (norms[i] > norms[first] || (norms[i] === norms[first] && rank[i] < rank[first])) first = i
  return dSquaredSeeds(n, k, rng, columns, first)
}
