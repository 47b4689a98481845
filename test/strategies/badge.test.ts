import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import fc from "fast-check"
import { embeddingsOf, probabilityMatrixOf } from "deal-active-learning/testing"
import { beforeAll, describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { badge, badgeSeeds, badgeSeedsOnBackend, type FactorisedEmbeddings, gradientSquaredDistancesTo, gradientSquaredNorms } from "../../src/strategies/badge.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("badge", () => {
  const factorised = (n: number, c: number, d: number) =>
    fc.tuple(probabilityMatrixOf(n, c), embeddingsOf(n, d)).map(([p, h]): FactorisedEmbeddings => {
      const residual = new Float32Array(n * c)
      for (let i = 0; i < n; i++) {
        let top = 0
        for (let j = 1; j < c; j++) if (p.data[i * c + j] > p.data[i * c + top]) top = j
        for (let j = 0; j < c; j++) residual[i * c + j] = p.data[i * c + j] - (j === top ? 1 : 0)
      }
      return { n, c, d, residual, features: h.data }
    })
  const sized = fc.record({ n: fc.integer({ min: 1, max: 15 }), c: fc.integer({ min: 2, max: 5 }), d: fc.integer({ min: 1, max: 6 }) })

  it("computes factorised gradient-embedding distances equal to materialised ones (property)", () => {
    fc.assert(
      fc.property(sized.chain((s) => factorised(s.n, s.c, s.d)), (g) => {
        // materialise g_i = r_i ⊗ h_i [n × C·d]
        const G = new Float64Array(g.n * g.c * g.d)
        for (let i = 0; i < g.n; i++)
          for (let a = 0; a < g.c; a++) for (let b = 0; b < g.d; b++) G[(i * g.c + a) * g.d + b] = g.residual[i * g.c + a] * g.features[i * g.d + b]
        const norms = gradientSquaredNorms(g)
        for (let c = 0; c < g.n; c++) {
          const fast = gradientSquaredDistancesTo(g, norms, c)
          for (let i = 0; i < g.n; i++) {
            let s = 0
            for (let t = 0; t < g.c * g.d; t++) s += (G[i * g.c * g.d + t] - G[c * g.c * g.d + t]) ** 2
            expect(fast[i]).toBeCloseTo(s, 3)
            expect(Math.abs(fast[i] - s)).toBeLessThanOrEqual(1e-4 * Math.max(1, s))
          }
        }
      }),
      { numRuns: 100 }
    )
  })

  it("starts from the largest gradient and never picks a point twice", () => {
    fc.assert(
      fc.property(sized.chain((s) => fc.tuple(factorised(s.n, s.c, s.d), fc.integer({ min: 1, max: 20 }), fc.integer())), ([g, k, seed]) => {
        const seeds = badgeSeeds(g, k, RandomStream.make(seed))
        expect(new Set(seeds).size).toBe(Math.min(k, g.n))
        const norms = gradientSquaredNorms(g)
        expect(norms[seeds[0]]).toBe(Math.max(...norms))
      }),
      { numRuns: 100 }
    )
  })

  it("on the backend (products of the factors, a batch of D² proposals at a time), starts from the largest gradient and never picks a point twice", () => {
    fc.assert(
      fc.property(sized.chain((s) => fc.tuple(factorised(s.n, s.c, s.d), fc.integer({ min: 1, max: 20 }), fc.integer())), ([g, k, seed]) => {
        const [r, h] = [tf.tensor2d(g.residual, [g.n, g.c]), tf.tensor2d(g.features, [g.n, g.d])]
        const seeds = badgeSeedsOnBackend(r, h, k, RandomStream.make(seed))
        tf.dispose([r, h])
        expect(new Set(seeds).size).toBe(Math.min(k, g.n))
        const norms = gradientSquaredNorms(g)
        expect(norms[seeds[0]]).toBeCloseTo(Math.max(...norms), 4)
      }),
      { numRuns: 50 }
    )
  })

  it("is a catalogue strategy over the gradient-embedding need", () => {
    expect(badge.needs).toEqual(["gradientEmbeddings"])
  })
})
