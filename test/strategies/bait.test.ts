import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { baitSelect, inverse, inverseSpd } from "../../src/strategies/bait.js"
import { tieBreakRanks } from "../../src/strategies/kernels/tie-break.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

/** Random probabilities [m × C] and features [m × d]. */
const points = (m: number, C: number, d: number, seed: number) => {
  const r = RandomStream.make(seed)
  const p = Array.from({ length: m }, () => {
    const e = Array.from({ length: C }, () => Math.exp(2 * r.next()))
    const s = e.reduce((a, b) => a + b, 0)
    return e.map((v) => v / s)
  })
  const h = Array.from({ length: m }, () => Array.from({ length: d }, () => 2 * r.next() - 1))
  return { p, h }
}

const parts = ({ p, h }: ReturnType<typeof points>, C: number, d: number) => {
  const residual = tf.tensor2d(p.map((row) => { const top = row.indexOf(Math.max(...row)); return row.map((v, c) => v - (c === top ? 1 : 0)) }), [p.length, C])
  return { residual: residual as tf.Tensor2D, features: tf.tensor2d(h.length ? h : [], [h.length, d]) as tf.Tensor2D }
}

/** The straightforward BAIT: materialised Fisher embeddings V_x [C × C·d] and an explicit inverse for every candidate. */
const naiveBait = (pool: ReturnType<typeof points>, lab: ReturnType<typeof points>, C: number, d: number, k: number, rank: Int32Array) => {
  const D = C * d
  const V = (p: Array<number>, h: Array<number>, s: number) =>
    Array.from({ length: C }, (_, c) => Array.from({ length: D }, (_, col) => s * Math.sqrt(p[c]) * ((Math.floor(col / d) === c ? 1 : 0) - p[Math.floor(col / d)]) * h[col % d]))
  const outer = (v: Array<Array<number>>) => Float64Array.from({ length: D * D }, (_, e) => v.reduce((a, row) => a + row[Math.floor(e / D)] * row[e % D], 0))
  const add = (a: Float64Array, b: Float64Array, s = 1) => a.map((v, i) => v + s * b[i])
  const [n, L] = [pool.p.length, lab.p.length]
  const want = Math.min(k, n)
  let F = new Float64Array(D * D)
  for (const set of [pool, lab]) set.p.forEach((p, i) => (F = add(F, outer(V(p, set.h[i], 1)))))
  F = F.map((v) => v / (n + L))
  let M = new Float64Array(D * D)
  lab.p.forEach((p, i) => (M = add(M, outer(V(p, lab.h[i], 1)), 1 / (L + want))))
  for (let i = 0; i < D; i++) M[i * D + i] += 1
  const s = Math.sqrt(want / (L + want))
  const objective = (m: Float64Array) => {
    const inv = inverse(m, D)
    let t = 0
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) t += inv[i * D + j] * F[j * D + i]
    return t
  }
  const chosen: Array<number> = []
  for (let step = 0; step < Math.min(n, 2 * want); step++) {
    let best = -1
    let bestValue = Infinity
    for (let i = 0; i < n; i++) {
      if (chosen.includes(i)) continue
      const v = objective(add(M, outer(V(pool.p[i], pool.h[i], s))))
      if (best < 0 || v < bestValue - 1e-9 || (Math.abs(v - bestValue) <= 1e-9 && rank[i] < rank[best])) [best, bestValue] = [i, v]
    }
    chosen.push(best)
    M = add(M, outer(V(pool.p[best], pool.h[best], s)))
  }
  while (chosen.length > want) {
    let drop = 0
    let dropValue = Infinity
    chosen.forEach((c, j) => {
      const v = objective(add(M, outer(V(pool.p[c], pool.h[c], s)), -1))
      if (v < dropValue) [drop, dropValue] = [j, v]
    })
    M = add(M, outer(V(pool.p[chosen[drop]], pool.h[chosen[drop]], s)), -1)
    chosen.splice(drop, 1)
  }
  return chosen
}

describe("bait", () => {
  it("inverts matrices, by Gauss-Jordan and (symmetric positive definite) by Cholesky: A·A⁻¹ = I", () => {
    const A = Float64Array.of(4, 1, 0, 1, 3, 1, 0, 1, 2)
    for (const inv of [inverse(A, 3), inverseSpd(A, 3)]) {
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
        let v = 0
        for (let t = 0; t < 3; t++) v += A[i * 3 + t] * inv[t * 3 + j]
        expect(v).toBeCloseTo(i === j ? 1 : 0, 10)
      }
    }
  })

  it("selects what the straightforward version selects: forward to 2k by the largest trace decrease, back to k (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 9 }), fc.integer({ min: 2, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer(), (n, C, d, L, k, seed) => {
        const pool = points(n, C, d, seed)
        const lab = points(L, C, d, seed + 1)
        const [pp, lp] = [parts(pool, C, d), parts(lab, C, d)]
        const picked = Array.from(baitSelect(pp, lp, k, RandomStream.make(seed, "select")))
        tf.dispose([pp.residual, pp.features, lp.residual, lp.features])
        const expected = naiveBait(pool, lab, C, d, k, tieBreakRanks(n, RandomStream.make(seed, "select")))
        expect(picked.sort()).toEqual(expected.sort())
      }),
      { numRuns: 40 }
    )
  })
})
