import type { RandomStream } from "../runtime/random.js"
import { rowSquaredNorms, squaredDistanceFromDots, weightedDraw } from "./kernels/distances.js"
import { tieBreakRanks } from "./kernels/tie-break.js"
import { required, type Strategy } from "./strategy.js"

/**
 * BADGE, batch active learning by diverse gradient embeddings — Ash, Zhang, Krishnamurthy,
 * Langford & Agarwal (2020), "Deep Batch Active Learning by Diverse, Uncertain Gradient Lower
 * Bounds", ICLR.
 * Rule: k-means++ seeding over the last-layer gradient embeddings at the predicted label,
 * g = (p − onehot(ŷ)) ⊗ h, so large (uncertain) and mutually distant (diverse) gradients are queried.
 * Direction: the largest gradient norm first, then D² draws away from the chosen.
 * The embeddings stay factorised; distances are computed from the two factors.
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
    const g: FactorisedEmbeddings = {
      n: residual.shape[0],
      c: residual.shape[1],
      d: features.shape[1],
      residual: residual.dataSync() as Float32Array,
      features: features.dataSync() as Float32Array
    }
    return badgeSeeds(g, input.k, input.rng).map((p) => input.candidates[p])
  }
}

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
 * largest gradient norm (Ash et al.'s code; ties by seeded ranks), each next one a D² draw.
 * Returns k distinct positions.
 */
export const badgeSeeds = (g: FactorisedEmbeddings, k: number, rng: RandomStream): Int32Array => {
  const want = Math.min(Math.max(0, k), g.n)
  const out = new Int32Array(want)
  if (want === 0) return out
  const norms = gradientSquaredNorms(g)
  const rank = tieBreakRanks(g.n, rng)
  let first = rank.indexOf(0)
  for (let i = 0; i < g.n; i++) if (norms[i] > norms[first] || (norms[i] === norms[first] && rank[i] < rank[first])) first = i
  const taken = new Uint8Array(g.n)
  const minDist = new Float64Array(g.n).fill(Number.POSITIVE_INFINITY)
  const scratch = new Float64Array(g.n)
  let c = first
  for (let s = 0; s < want; s++) {
    out[s] = c
    taken[c] = 1
    if (s === want - 1) break
    gradientSquaredDistancesTo(g, norms, c, scratch)
    for (let i = 0; i < g.n; i++) if (scratch[i] < minDist[i]) minDist[i] = scratch[i]
    c = weightedDraw(minDist, taken, rng)
  }
  return out
}
