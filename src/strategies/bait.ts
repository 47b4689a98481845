import * as tf from "@tensorflow/tfjs-core"
import type { RandomStream } from "../runtime/random.js"
import { readInto } from "../runtime/read-into.js"
import { tidyValue } from "../runtime/tidy-value.js"
import { defaultDistanceBudget, gatherRows } from "./kernels/distances.js"
import { tieBreakRanks } from "./kernels/tie-break.js"
import { type GradientEmbeddingParts, required, type Strategy } from "./strategy.js"

/**
 * BAIT (its paper, rule and direction: `doc`, below).
 * How: choose the batch S minimising tr((M + Σ_{x∈S} V_xᵀV_x)⁻¹ F), where V_x [C × C·d] is x's
 * Fisher embedding (row c: √p_c·(e_c − p) ⊗ h, h the penultimate features), F the mean Fisher of
 * the labelled and unlabelled points and M = λI + the labelled Fisher (λ = 1): greedily forward to
 * 2k points, each the one that lowers the trace most (Woodbury updates of M⁻¹), then backward,
 * removing k of them one at a time, as the authors' code does.
 * Memory is bounded as BADGE's: no N × C·(C·d) matrix; a candidate's scores come from
 * Q(h)[a, b] = hᵀ·(M⁻¹)_ab·h (C² quadratic forms), one product of the features with M⁻¹'s
 * blocks per step. Each step costs O(N·(C·d)²): for heads on modest embeddings.
 */
export const bait = (options: { readonly lambda?: number } = {}): Strategy => ({
  name: "bait",
  aliases: ["BAIT"],
  doc: {
    rule: "greedy forward to 2k then backward to k: the batch minimising tr((M + Σ V_xᵀV_x)⁻¹ F) over Fisher embeddings",
    citation: "Ash, Goel, Krishnamurthy & Kakade (2021), Gone Fishing: Neural Active Learning with Fisher Embeddings, NeurIPS",
    direction: "largest decrease of the Fisher trace first"
  },
  needs: ["gradientEmbeddings", "labeledGradientEmbeddings"],
  select: (input) => {
    const pool = required(input, "gradientEmbeddings", "bait")
    const labelled = required(input, "labeledGradientEmbeddings", "bait")
    return baitSelect(pool, labelled, input.k, input.rng, options.lambda ?? 1).map((p) => input.candidates[p])
  }
})

/** BAIT over the candidates' and the labelled set's factors; returns candidate positions. */
export const baitSelect = (pool: GradientEmbeddingParts, labelled: GradientEmbeddingParts, k: number, rng: RandomStream, lambda = 1): Int32Array => {
  const [n, C] = pool.residual.shape
  const d = pool.features.shape[1]
  const L = labelled.residual.shape[0]
  const D = C * d
  const want = Math.min(Math.max(0, k), n)
  if (want === 0) return new Int32Array(0)
  const rank = tieBreakRanks(n, rng)
  // R_x = diag(√p)(I − 1pᵀ) per point, p = residual + onehot(ŷ), ŷ the residual's only negative entry
  const factors = (g: GradientEmbeddingParts) => tidyValue(() => {
    const p = tf.add(g.residual, tf.oneHot(tf.argMin(g.residual, 1), C))
    const r = tf.mul(tf.expandDims(tf.sqrt(p), 2), tf.sub(tf.eye(C), tf.expandDims(p, 1))) // [m, C, C]
    return { r: r.dataSync() as Float32Array, h: g.features.dataSync() as Float32Array }
  })
  const cand = factors(pool)
  const lab = factors(labelled)
  // F: the mean Fisher of every point; M = λI + (the labelled Fisher) / (L + k)
  const total = sumOfFishers(cand.r, cand.h, n, C, d)
  const labelledFisher = sumOfFishers(lab.r, lab.h, L, C, d)
  const F = Float64Array.from(total, (v, i) => (v + labelledFisher[i]) / (n + L))
  const M = Float64Array.from(labelledFisher, (v) => (L === 0 ? 0 : v / (L + want)))
  for (let i = 0; i < D; i++) M[i * D + i] += lambda
  const state: { Minv: Float64Array; G: Float64Array; qa: Float64Array; qb: Float64Array; scratch: Float32Array; F?: tf.Tensor2D; h?: tf.Tensor2D } = {
    Minv: L * C < D ? lowRankInverse(lab, L, C, d, lambda, L + want) : inverseSpd(M, D),
    G: new Float64Array(0),
    // Q(X)[x, a, b] = h_xᵀ X_ab h_x for X = M⁻¹ and X = G = M⁻¹ F M⁻¹, kept up to date by low-rank updates
    qa: new Float64Array(0),
    qb: new Float64Array(0),
    scratch: new Float32Array(D * D)
  }
  state.G = product(product(state.Minv, F, D, D, D), state.Minv, D, D, D)
  state.qa = quadraticForms(state.Minv, cand.h, n, C, d)
  state.qb = quadraticForms(state.G, cand.h, n, C, d)
  // the candidates' embeddings count with weight k / (L + k), as the authors scale them
  const scale = Math.sqrt(want / (L + want))
  const chosen: Array<number> = []
  const taken = new Uint8Array(n)
  const A = new Float64Array(C * C)
  const B = new Float64Array(C * C)
  /** tr(B (σI + A)⁻¹) for point x of `f` with its quadratic forms at x in qa, qb. */
  const score = (f: { r: Float32Array }, x: number, qa: Float64Array, qb: Float64Array, qx: number, sigma: 1 | -1) => {
    sandwich(f.r, x, qa, qx, C, scale * scale, A)
    sandwich(f.r, x, qb, qx, C, scale * scale, B)
    for (let c = 0; c < C; c++) A[c * C + c] += sigma
    return traceOfSolve(A, B, C)
  }
  try {
    for (let s = 0; s < Math.min(n, 2 * want); s++) {
      let best = -1
      let bestScore = Number.NEGATIVE_INFINITY
      for (let i = 0; i < n; i++) {
        if (taken[i] !== 0) continue
        const v = score(cand, i, state.qa, state.qb, i, 1)
        if (best < 0 || v > bestScore || (v === bestScore && rank[i] < rank[best])) [best, bestScore] = [i, v]
      }
      taken[best] = 1
      chosen.push(best)
      update(state, F, embeddingOf(cand, best, C, d, scale), cand.h, n, C, d, 1)
    }
    while (chosen.length > want) {
      // the point whose removal leaves the lowest trace: the largest tr(B (−I + A)⁻¹)
      const h = gatherRows(cand.h, d, chosen)
      const qa = quadraticForms(state.Minv, h, chosen.length, C, d)
      const qb = quadraticForms(state.G, h, chosen.length, C, d)
      let drop = 0
      let dropScore = Number.NEGATIVE_INFINITY
      chosen.forEach((x, j) => {
        const v = score(cand, x, qa, qb, j, -1)
        if (v > dropScore) [drop, dropScore] = [j, v]
      })
      update(state, F, embeddingOf(cand, chosen[drop], C, d, scale), cand.h, n, C, d, -1)
      chosen.splice(drop, 1)
    }
  } finally {
    state.F?.dispose()
    state.h?.dispose()
  }
  return Int32Array.from(chosen)
}

/**
 * M ← M + σVᵀV for V [C × D] (σ = −1 removes a point), by Woodbury on M⁻¹ and on
 * G = M⁻¹FM⁻¹, and on the candidates' quadratic forms, in O(D²·C + n·d·C²):
 * with U = M⁻¹Vᵀ, W = U(σI + VU)⁻¹, Z = M⁻¹FU and S = UᵀFU,
 * M⁻¹ ← M⁻¹ − WUᵀ and G ← G − WZᵀ − ZWᵀ + WSWᵀ.
 */
const update = (
  state: { Minv: Float64Array; G: Float64Array; qa: Float64Array; qb: Float64Array; scratch: Float32Array; F?: tf.Tensor2D; h?: tf.Tensor2D },
  F: Float64Array,
  V: Float64Array,
  h: Float32Array,
  n: number,
  C: number,
  d: number,
  sigma: 1 | -1
): void => {
  const D = C * d
  // the products with the D × D matrices: M⁻¹ sent to the backend once a step, F once a selection
  const large = D * D * C >= onBackendFrom
  const Minv = large ? tf.tensor2d(new Float32Array(state.Minv), [D, D]) : undefined
  const times = (X: Float64Array, XT: tf.Tensor2D | undefined, Y: Float64Array) =>
    XT === undefined ? product(X, Y, D, D, C) : new Float64Array(tidyValue(() => tf.matMul(XT, tf.tensor2d(new Float32Array(Y), [D, C])).dataSync()))
  const U = times(state.Minv, Minv, transpose(V, C, D)) // M⁻¹Vᵀ [D × C]
  const K = product(V, U, C, D, C)
  for (let c = 0; c < C; c++) K[c * C + c] += sigma
  const W = product(U, inverse(K, C), D, C, C)
  const FU = times(F, large ? (state.F ??= tf.tensor2d(new Float32Array(F), [D, D])) : undefined, U)
  const Z = times(state.Minv, Minv, FU)
  Minv?.dispose()
  const S = product(transpose(U, D, C), FU, C, D, C)
  const WS = product(W, S, D, C, C)
  subtractOuter(state.Minv, W, U, D, C, state.scratch)
  // G − WZᵀ − ZWᵀ + WSWᵀ as one product: [W | Z | −WS]·[Z | W | W]ᵀ
  const left = new Float64Array(D * 3 * C)
  const right = new Float64Array(D * 3 * C)
  for (let i = 0; i < D; i++) {
    for (let c = 0; c < C; c++) {
      left[i * 3 * C + c] = W[i * C + c]
      left[i * 3 * C + C + c] = Z[i * C + c]
      left[i * 3 * C + 2 * C + c] = -WS[i * C + c]
      right[i * 3 * C + c] = Z[i * C + c]
      right[i * 3 * C + C + c] = W[i * C + c]
      right[i * 3 * C + 2 * C + c] = W[i * C + c]
    }
  }
  subtractOuter(state.G, left, right, D, 3 * C, state.scratch)
  // the quadratic forms of the rank-C terms: hᵀ(PQᵀ)_ab h = Σ_c (h·P_a,c)(h·Q_b,c)
  state.h ??= tf.tensor2d(h, [n, d]) // the candidates' features, sent to the backend once a selection
  const [pw, pu, pz, pws] = [W, U, Z, WS].map((X) => projections(X, state.h!, C, d))
  addFormOf(state.qa, pw, pu, n, C, -1)
  addFormOf(state.qb, pw, pz, n, C, -1)
  addFormOf(state.qb, pz, pw, n, C, -1)
  addFormOf(state.qb, pws, pw, n, C, 1)
}

/** h_x·X_(a·d + ·), c for every point x, block a and column c of X [C·d × C]: [n × C × C]. */
const projections = (X: Float64Array, h: tf.Tensor2D, C: number, d: number): Float32Array =>
  tidyValue(() => {
    // X as [d × (a, c)]: X'[t, a, c] = X[a·d + t, c]
    const x = tf.reshape(tf.transpose(tf.tensor3d(new Float32Array(X), [C, d, C]), [1, 0, 2]), [d, C * C])
    return tf.matMul(h, x).dataSync() as Float32Array
  })

/** q[x, a, b] += s·Σ_c P[x, a, c]·Q[x, b, c]. */
const addFormOf = (q: Float64Array, P: Float32Array, Q: Float32Array, n: number, C: number, s: number): void => {
  for (let x = 0; x < n; x++) {
    const o = x * C * C
    for (let a = 0; a < C; a++) {
      for (let b = 0; b < C; b++) {
        let v = 0
        for (let c = 0; c < C; c++) v += P[o + a * C + c] * Q[o + b * C + c]
        q[o + a * C + b] += s * v
      }
    }
  }
}

/**
 * X ← X − P Qᵀ for X [D × D], P and Q [D × C]: on the backend in float32 when large (as
 * `product`), read back into `scratch` (D² floats reused across steps), else in float64.
 */
const subtractOuter = (X: Float64Array, P: Float64Array, Q: Float64Array, D: number, C: number, scratch: Float32Array): void => {
  if (D * D * C >= onBackendFrom) {
    tidyValue(() => readInto(tf.matMul(tf.tensor2d(new Float32Array(P), [D, C]), tf.tensor2d(new Float32Array(Q), [D, C]), false, true), scratch))
    for (let e = 0; e < D * D; e++) X[e] -= scratch[e]
    return
  }
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < D; j++) {
      let v = 0
      for (let c = 0; c < C; c++) v += P[i * C + c] * Q[j * C + c]
      X[i * D + j] -= v
    }
  }
}

/** From this many multiply-adds on, BAIT's matrix products run on the backend (float32), below in float64. */
const onBackendFrom = 1 << 20

/** A [p × q] · B [q × r] in float64 (on the backend in float32 when large). */
const product = (A: Float64Array, B: Float64Array, p: number, q: number, r: number): Float64Array => {
  if (p * q * r >= onBackendFrom) {
    return new Float64Array(tidyValue(() => tf.matMul(tf.tensor2d(new Float32Array(A), [p, q]), tf.tensor2d(new Float32Array(B), [q, r])).dataSync() as Float32Array))
  }
  const out = new Float64Array(p * r)
  for (let i = 0; i < p; i++) for (let t = 0; t < q; t++) {
    const a = A[i * q + t]
    if (a === 0) continue
    for (let j = 0; j < r; j++) out[i * r + j] += a * B[t * r + j]
  }
  return out
}

/** A [p × q] · Bᵀ, B [r × q]. */
const productTransposed = (A: Float64Array, B: Float64Array, p: number, q: number, r: number): Float64Array => product(A, transpose(B, r, q), p, q, r)

const transpose = (A: Float64Array, p: number, q: number): Float64Array => {
  const out = new Float64Array(p * q)
  for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) out[j * p + i] = A[i * q + j]
  return out
}

/**
 * M⁻¹ for M = λI + WᵀW / c, W [L·C × D] the labelled points' Fisher embeddings stacked, when
 * L·C < D, by Woodbury: M⁻¹ = (I − Wᵀ(λc·I + WWᵀ)⁻¹W) / λ, an (L·C)² inverse in place of a D² one.
 */
const lowRankInverse = (f: { r: Float32Array; h: Float32Array }, L: number, C: number, d: number, lambda: number, c: number): Float64Array => {
  const D = C * d
  const W = new Float64Array(L * C * D)
  for (let x = 0; x < L; x++) W.set(embeddingOf(f, x, C, d, 1), x * C * D)
  const LC = L * C
  const K = productTransposed(W, W, LC, D, LC)
  for (let i = 0; i < LC; i++) K[i * LC + i] += lambda * c
  const out = product(transpose(W, LC, D), product(inverseSpd(K, LC), W, LC, LC, D), D, LC, D)
  for (let e = 0; e < D * D; e++) out[e] = -out[e] / lambda
  for (let i = 0; i < D; i++) out[i * D + i] += 1 / lambda
  return out
}

/** Σ over the m points of V_xᵀV_x = (R_xᵀR_x) ⊗ (h hᵀ), [C·d × C·d] row-major, (c, t) ordering. */
const sumOfFishers = (r: Float32Array, h: Float32Array, m: number, C: number, d: number): Float64Array => {
  const D = C * d
  if (m === 0) return new Float64Array(D * D)
  const rows = Math.max(1, Math.floor(defaultDistanceBudget / (C * D)))
  // accumulated on the backend, block by block, and read back once
  let sum = tf.zeros([D, D]) as tf.Tensor2D
  for (let b0 = 0; b0 < m; b0 += rows) {
    const b1 = Math.min(m, b0 + rows)
    const next = tf.tidy(() => {
      const v = tf.reshape(tf.mul(tf.reshape(tf.tensor3d(r.subarray(b0 * C * C, b1 * C * C), [b1 - b0, C, C]), [b1 - b0, C, C, 1]), tf.reshape(tf.tensor2d(h.subarray(b0 * d, b1 * d), [b1 - b0, d]), [b1 - b0, 1, 1, d])), [(b1 - b0) * C, D])
      return tf.add(sum, tf.matMul(v, v, true, false)) as tf.Tensor2D
    })
    sum.dispose()
    sum = next
  }
  const out = new Float64Array(sum.dataSync() as Float32Array)
  sum.dispose()
  return out
}

/** V_x of candidate `i`, scaled: [C × C·d] row-major. */
const embeddingOf = (f: { r: Float32Array; h: Float32Array }, i: number, C: number, d: number, scale: number): Float64Array => {
  const out = new Float64Array(C * C * d)
  for (let c = 0; c < C; c++) for (let j = 0; j < C; j++) for (let t = 0; t < d; t++) out[c * C * d + j * d + t] = scale * f.r[i * C * C + c * C + j] * f.h[i * d + t]
  return out
}

/** Q[x][a, b] = h_xᵀ·X_ab·h_x for the m points, X [C·d × C·d] in (c, t) blocks: [m × C × C]. */
const quadraticForms = (X: Float64Array, h: Float32Array, m: number, C: number, d: number): Float64Array => {
  const rows = Math.max(1, Math.floor(defaultDistanceBudget / (C * C * d)))
  const out = new Float64Array(m * C * C)
  tidyValue(() => {
    // X reordered to [d × (a, b, t')]: X'[t, a, b, t'] = X[(a, t), (b, t')]
    const xt = tf.reshape(tf.transpose(tf.reshape(tf.tensor2d(new Float32Array(X), [C * d, C * d]), [C, d, C, d]), [1, 0, 2, 3]), [d, C * C * d])
    for (let b0 = 0; b0 < m; b0 += rows) {
      const b1 = Math.min(m, b0 + rows)
      tf.tidy(() => {
        const hb = tf.tensor2d(h.subarray(b0 * d, b1 * d), [b1 - b0, d])
        const q = tf.sum(tf.mul(tf.reshape(tf.matMul(hb, xt), [b1 - b0, C * C, d]), tf.expandDims(hb, 1)), 2)
        out.set(q.dataSync() as Float32Array, b0 * C * C)
      })
    }
  })
  return out
}

/** out = s·R_x Q R_xᵀ, R_x point x's C × C factor, Q the C × C forms at `qx` in q: two C³ products. */
const sandwich = (r: Float32Array, x: number, q: Float64Array, qx: number, C: number, s: number, out: Float64Array): void => {
  const R = x * C * C
  const Q = qx * C * C
  const RQ = new Float64Array(C * C)
  for (let a = 0; a < C; a++) for (let i = 0; i < C; i++) {
    const ra = r[R + a * C + i]
    if (ra === 0) continue
    for (let j = 0; j < C; j++) RQ[a * C + j] += ra * q[Q + i * C + j]
  }
  for (let a = 0; a < C; a++) for (let b = 0; b < C; b++) {
    let v = 0
    for (let j = 0; j < C; j++) v += RQ[a * C + j] * r[R + b * C + j]
    out[a * C + b] = s * v
  }
}

/** tr(A⁻¹ B) for C × C matrices (Gaussian elimination with partial pivoting; A is overwritten). */
const traceOfSolve = (A: Float64Array, B: Float64Array, C: number): number => {
  const Y = Float64Array.from(B)
  for (let col = 0; col < C; col++) {
    let pivot = col
    for (let i = col + 1; i < C; i++) if (Math.abs(A[i * C + col]) > Math.abs(A[pivot * C + col])) pivot = i
    if (A[pivot * C + col] === 0) return 0
    if (pivot !== col) {
      for (let j = 0; j < C; j++) {
        ;[A[col * C + j], A[pivot * C + j]] = [A[pivot * C + j], A[col * C + j]]
        ;[Y[col * C + j], Y[pivot * C + j]] = [Y[pivot * C + j], Y[col * C + j]]
      }
    }
    for (let i = 0; i < C; i++) {
      if (i === col) continue
      const f = A[i * C + col] / A[col * C + col]
      if (f === 0) continue
      for (let j = 0; j < C; j++) {
        A[i * C + j] -= f * A[col * C + j]
        Y[i * C + j] -= f * Y[col * C + j]
      }
    }
  }
  let trace = 0
  for (let i = 0; i < C; i++) trace += Y[i * C + i] / A[i * C + i]
  return trace
}

/**
 * The inverse of a symmetric positive definite n × n matrix: its Cholesky factor L (A = LLᵀ),
 * L's inverse, then A⁻¹ = L⁻ᵀL⁻¹ (a product): about a third of Gauss-Jordan's operations.
 */
export const inverseSpd = (A: Float64Array, n: number): Float64Array => {
  const L = new Float64Array(n * n)
  for (let j = 0; j < n; j++) {
    let diagonal = A[j * n + j]
    for (let t = 0; t < j; t++) diagonal -= L[j * n + t] * L[j * n + t]
    const ljj = Math.sqrt(Math.max(diagonal, Number.MIN_VALUE))
    L[j * n + j] = ljj
    for (let i = j + 1; i < n; i++) {
      let v = A[i * n + j]
      for (let t = 0; t < j; t++) v -= L[i * n + t] * L[j * n + t]
      L[i * n + j] = v / ljj
    }
  }
  // X = L⁻¹, lower triangular, column by column of forward substitution
  const X = new Float64Array(n * n)
  for (let j = 0; j < n; j++) {
    X[j * n + j] = 1 / L[j * n + j]
    for (let i = j + 1; i < n; i++) {
      let v = 0
      for (let t = j; t < i; t++) v -= L[i * n + t] * X[t * n + j]
      X[i * n + j] = v / L[i * n + i]
    }
  }
  return product(transpose(X, n, n), X, n, n, n)
}

/** The inverse of an n × n matrix by Gauss-Jordan elimination with partial pivoting (float64). */
export const inverse = (A: Float64Array, n: number): Float64Array => {
  const a = Float64Array.from(A)
  const inv = new Float64Array(n * n)
  for (let i = 0; i < n; i++) inv[i * n + i] = 1
  for (let col = 0; col < n; col++) {
    let pivot = col
    for (let i = col + 1; i < n; i++) if (Math.abs(a[i * n + col]) > Math.abs(a[pivot * n + col])) pivot = i
    if (pivot !== col) {
      for (let j = 0; j < n; j++) {
        ;[a[col * n + j], a[pivot * n + j]] = [a[pivot * n + j], a[col * n + j]]
        ;[inv[col * n + j], inv[pivot * n + j]] = [inv[pivot * n + j], inv[col * n + j]]
      }
    }
    const p = a[col * n + col]
    for (let j = 0; j < n; j++) {
      a[col * n + j] /= p
      inv[col * n + j] /= p
    }
    for (let i = 0; i < n; i++) {
      if (i === col) continue
      const f = a[i * n + col]
      if (f === 0) continue
      for (let j = 0; j < n; j++) {
        a[i * n + j] -= f * a[col * n + j]
        inv[i * n + j] -= f * inv[col * n + j]
      }
    }
  }
  return inv
}
