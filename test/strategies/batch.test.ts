import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import fc from "fast-check"
import { mcSamplesOf, selectOn, strategyWorld } from "deal/testing"
import { beforeAll, describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { bald } from "../../src/strategies/bald.js"
import { batchBaldSelect } from "../../src/strategies/batchbald.js"
import { findStrategy } from "../../src/strategies/catalogue.js"
import { averageLinkage } from "../../src/strategies/cluster-margin.js"
import { orientedRanks, weightedCombination } from "../../src/strategies/combination.js"
import { entropy } from "../../src/strategies/entropy.js"
import { margin } from "../../src/strategies/margin.js"
import { stochasticBatch } from "../../src/strategies/stochastic-batch.js"
import { typiclustSelect } from "../../src/strategies/typiclust.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

/** Exact joint mutual information of a batch, enumerating all C^|batch| label configurations. */
const jointMI = (mc: Float32Array, T: number, C: number, batch: ReadonlyArray<number>) => {
  let h = 0
  const configs = C ** batch.length
  for (let cfg = 0; cfg < configs; cfg++) {
    let p = 0
    for (let t = 0; t < T; t++) {
      let q = 1
      for (let j = 0, c = cfg; j < batch.length; j++, c = Math.floor(c / C)) q *= mc[(batch[j] * T + t) * C + (c % C)]
      p += q / T
    }
    if (p > 0) h -= p * Math.log(p)
  }
  let cond = 0
  for (const i of batch) for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) { const v = mc[(i * T + t) * C + c]; if (v > 0) cond -= v * Math.log(v) / T }
  return h - cond
}

describe("batchbald", () => {
  it("each greedy pick has the largest exact joint mutual information with the batch so far (property)", () => {
    fc.assert(
      fc.property(
        fc.record({ n: fc.integer({ min: 1, max: 8 }), t: fc.integer({ min: 1, max: 5 }), c: fc.integer({ min: 2, max: 3 }), k: fc.integer({ min: 1, max: 4 }) })
          .chain((s) => fc.tuple(fc.constant(s), mcSamplesOf(s.n, s.t, s.c), fc.integer())),
        ([{ n, t, c, k }, mc, seed]) => {
          const picked = Array.from(batchBaldSelect(mc.data, n, t, c, k, RandomStream.make(seed), { maxConfigurations: 1 << 12 }))
          expect(new Set(picked).size).toBe(Math.min(k, n))
          for (let s = 0; s < picked.length; s++) {
            const prefix = picked.slice(0, s)
            const best = Math.max(...Array.from({ length: n }, (_, i) => i).filter((i) => !prefix.includes(i)).map((i) => jointMI(mc.data, t, c, [...prefix, i])))
            expect(jointMI(mc.data, t, c, [...prefix, picked[s]])).toBeGreaterThanOrEqual(best - 1e-4)
          }
        }
      ),
      { numRuns: 60 }
    )
  })

  it("with a batch of one is BALD's top pick, and with sampled configurations stays close to exact", () => {
    const r = RandomStream.make(3)
    const [n, T, C] = [40, 6, 4]
    const mc = new Float32Array(n * T * C)
    for (let i = 0; i < n * T; i++) {
      const w = Array.from({ length: C }, () => r.next() ** 3)
      const s = w.reduce((a, b) => a + b, 0)
      w.forEach((v, c) => (mc[i * C + c] = v / s))
    }
    const top = selectOn(bald, { ...fc.sample(strategyWorld(), { seed: 1, numRuns: 1 })[0], candidates: Int32Array.from({ length: n }, (_, i) => i), k: 1, mcProbabilities: { rows: n, samples: T, classes: C, data: mc } })
    expect(batchBaldSelect(mc, n, T, C, 1, RandomStream.make(1))[0]).toBe(top[0])
    const exact = Array.from(batchBaldSelect(mc, n, T, C, 5, RandomStream.make(1), { maxConfigurations: 1 << 12 }))
    const sampled = Array.from(batchBaldSelect(mc, n, T, C, 5, RandomStream.make(1), { maxConfigurations: 16 }))
    expect(new Set(sampled).size).toBe(5)
    // 4^5 configurations vs 16 sampled ones: the batch's information is close to the exact greedy's
    expect(jointMI(mc, T, C, sampled)).toBeGreaterThan(0.8 * jointMI(mc, T, C, exact))
  })
})

describe("stochastic batch acquisition (power, softmax, softrank)", () => {
  const world = (scores: ReadonlyArray<number>) => {
    const w = fc.sample(strategyWorld(), { seed: 5, numRuns: 1 })[0]
    // one probability row per score: entropy grows with the score
    const data = new Float32Array(scores.length * 2)
    scores.forEach((s, i) => ((data[2 * i] = 1 - s / 2), (data[2 * i + 1] = s / 2)))
    return { ...w, candidates: Int32Array.from(scores, (_, i) => i), k: 2, probabilities: { rows: scores.length, cols: 2, data } }
  }
  const scores = [0.05, 0.1, 0.9, 0.95, 0.2, 0.3, 0.15, 0.25]

  it("approaches top-k as the temperature goes to 0 and spreads the picks at higher temperature", () => {
    for (const mode of ["power", "softmax", "softrank"] as const) {
      const cold = stochasticBatch(entropy, { mode, temperature: 0.001 })
      const hot = stochasticBatch(entropy, { mode, temperature: 10 })
      const coldPicks = new Set<string>()
      const hotPicks = new Set<string>()
      for (let seed = 0; seed < 30; seed++) {
        coldPicks.add(Array.from(selectOn(cold, world(scores), seed)).sort().join())
        hotPicks.add(Array.from(selectOn(hot, world(scores), seed)).sort().join())
      }
      expect([...coldPicks]).toEqual(["2,3"])
      expect(hotPicks.size).toBeGreaterThan(3)
    }
  })

  it("orients a lowest-first score: power over margin favours small margins", () => {
    const s = stochasticBatch(margin, { mode: "power", temperature: 0.05 })
    expect(Array.from(selectOn(s, world(scores), 1)).sort()).toEqual([2, 3])
  })
})

describe("weighted combination", () => {
  it("ranks scores to [0, 1] in the queried direction, ties sharing a rank", () => {
    expect(Array.from(orientedRanks(Float32Array.from([3, 1, 2, 2]), "highest"))).toEqual([1, 0, 0.5, 0.5])
    expect(Array.from(orientedRanks(Float32Array.from([3, 1, 2]), "lowest"))).toEqual([0, 1, 0.5])
  })

  it("with one part selects what the part selects, and is found by name with the union of needs", () => {
    fc.assert(
      fc.property(strategyWorld(), (w) => {
        expect(Array.from(selectOn(weightedCombination([{ strategy: margin, weight: 2 }]), w)).sort()).toEqual(Array.from(selectOn(margin, w)).sort())
      }),
      { numRuns: 30 }
    )
    const combined = findStrategy("entropy*0.7+bald*0.3")!
    expect(combined.name).toBe("entropy*0.7+bald*0.3")
    expect(combined.needs).toEqual(["probabilities", "mcProbabilities"])
    expect(findStrategy("entropy+coreset")).toBeUndefined() // coreset has no score
  })
})

const blobs = (perBlob: number, seed: number) => {
  const r = RandomStream.make(seed)
  const centres = [[0, 0], [30, 0], [0, 30]]
  return Float32Array.from({ length: 3 * perBlob * 2 }, (_, i) => centres[Math.floor(i / (2 * perBlob))][i % 2] + 3 * (r.next() - 0.5))
}

describe("typiclust", () => {
  it("cold start: one point from each of three blobs, each the most typical of its blob", () => {
    const x = blobs(20, 2)
    const picked = Array.from(typiclustSelect(x, 60, 2, 0, 3, RandomStream.make(1)))
    expect(picked.map((i) => Math.floor(i / 20)).sort()).toEqual([0, 1, 2])
  })

  it("measures typicality the same with products of centred rows as with exact differences", () => {
    // 300 points per blob, far from the origin (the product path centres them first), 20 labelled
    const x = blobs(300, 5).map((v) => v + 400)
    const exact = typiclustSelect(x, 900, 2, 20, 12, RandomStream.make(2), { productsFrom: Infinity })
    const products = typiclustSelect(x, 900, 2, 20, 12, RandomStream.make(2), { productsFrom: 0 })
    expect(Array.from(products)).toEqual(Array.from(exact))
  })

  it("queries the uncovered blob first when the others are labelled", () => {
    const all = blobs(40, 3)
    const rows = (from: number, to: number) => Array.from(all.subarray(2 * from, 2 * to))
    // Labelled first: half of blob 0 and half of blob 1. Candidates: their other halves (0..39), then all of blob 2 (40..79).
    const x = Float32Array.from([...rows(0, 20), ...rows(40, 60), ...rows(20, 40), ...rows(60, 80), ...rows(80, 120)])
    const picked = typiclustSelect(x, 120, 2, 40, 1, RandomStream.make(1), { maxClusters: 3 })
    expect(picked[0]).toBeGreaterThanOrEqual(40)
    expect(picked[0]).toBeLessThan(80)
  })
})

describe("cluster-margin's average-linkage clustering", () => {
  it("recovers well-separated blobs", () => {
    const labels = averageLinkage(blobs(10, 4), 30, 2, 3)
    for (let b = 0; b < 3; b++) expect(new Set(labels.subarray(b * 10, b * 10 + 10)).size).toBe(1)
    expect(new Set(labels).size).toBe(3)
  })
})
