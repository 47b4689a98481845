import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { strategyLaws } from "deal/testing"
import { findStrategy, strategyCatalogue } from "../../src/strategies/catalogue.js"
import type { Strategy } from "../../src/strategies/strategy.js"
import { topK } from "../../src/strategies/kernels/top-k.js"
import { entropy } from "../../src/strategies/entropy.js"
import { entropyScore } from "../../src/strategies/kernels/entropy.js"
import { leastConfidence, maxProbability } from "../../src/strategies/least-confidence.js"
import { margin, marginScore } from "../../src/strategies/margin.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

/** A probability matrix: rows of positive weights normalised to sum to 1. */
const probabilityMatrix = (maxRows = 40) =>
  fc.integer({ min: 1, max: 6 }).chain((c) =>
    fc.array(fc.array(fc.float({ min: Math.fround(0.001), max: 1, noNaN: true }), { minLength: c, maxLength: c }), { minLength: 1, maxLength: maxRows }).map(
      (rows) => rows.map((r) => { const s = r.reduce((a, b) => a + b, 0); return r.map((v) => v / s) })
    )
  )

const run = (strategy: Strategy, rows: Array<Array<number>>, candidates: Int32Array, k: number, seed: number) => {
  const probabilities = tf.tensor2d(rows)
  try {
    return strategy.select({ candidates, k, probabilities, rng: RandomStream.make(seed, "select") })
  } finally {
    probabilities.dispose()
  }
}

/** Candidates: distinct pool indices in increasing order, one per probability row. */
const candidatesFor = (n: number, seed: number) => {
  const r = RandomStream.make(seed, "candidates")
  return r.sample(Int32Array.from({ length: 10 * n }, (_, i) => i), n).sort()
}

describe.each(strategyCatalogue.map((s) => [s.name, s] as const))("strategy %s obeys the laws of deal/testing", (_, strategy) => {
  // the adversarial strategies run a model per selection: fewer runs keep the suite fast
  const numRuns = strategy.needs.includes("model") ? 8 : 25
  for (const law of strategyLaws(strategy, { numRuns })) it(law.name, law.check)
})

describe.each(["balanced(entropy)", "balanced(coreset)", "subsample(bald,5)", "subsample(badge,4)"].map((n) => [n, findStrategy(n)!] as const))(
  "wrapper %s obeys the laws of deal/testing",
  (_, strategy) => {
    for (const law of strategyLaws(strategy, { numRuns: 15 })) it(law.name, law.check)
  }
)

describe("the wrappers balanced and subsample", () => {
  // probabilities: candidates 0–3 predicted class 0 (the four most uncertain), 4–5 class 1
  const probabilities = () => tf.tensor2d([[0.5, 0.5], [0.52, 0.48], [0.55, 0.45], [0.6, 0.4], [0.1, 0.9], [0.3, 0.7]])
  const candidates = Int32Array.of(10, 11, 12, 13, 14, 15)

  it("balanced(entropy), worked by hand: k = 2 takes the most uncertain of each predicted class, 10 then 15", () => {
    const p = tf.tensor2d([[0.5, 0.5], [0.52, 0.48], [0.55, 0.45], [0.6, 0.4], [0.1, 0.9], [0.3, 0.7]]) as tf.Tensor2D
    const picked = findStrategy("balanced(entropy)")!.select({ candidates, k: 2, probabilities: p, rng: RandomStream.make(1) })
    expect(Array.from(picked).sort()).toEqual([10, 15])
    // plain entropy takes 10 and 11, both class 0
    expect(Array.from(findStrategy("entropy")!.select({ candidates, k: 2, probabilities: p, rng: RandomStream.make(1) })).sort()).toEqual([10, 11])
    p.dispose()
  })

  it("balanced leaves a short class's share to the base order: k = 4 with two of class 1 → 10, 11 and 14, 15", () => {
    const p = probabilities()
    const picked = findStrategy("balanced(entropy)")!.select({ candidates, k: 4, probabilities: p, rng: RandomStream.make(1) })
    expect(Array.from(picked).sort()).toEqual([10, 11, 14, 15])
    p.dispose()
  })

  it("subsample(entropy,3) queries within 3 seeded random candidates only, the most uncertain of them", () => {
    const p = probabilities()
    const rng = RandomStream.make(4)
    const subset = Array.from(RandomStream.make(4).sample(Int32Array.from({ length: 6 }, (_, i) => i), 3)).sort()
    const picked = findStrategy("subsample(entropy,3)")!.select({ candidates, k: 1, probabilities: p, rng })
    expect(subset.map((i) => candidates[i])).toContain(picked[0])
    expect(picked[0]).toBe(candidates[Math.min(...subset)]) // rows are ordered from most to least uncertain
    p.dispose()
  })

  it("parses nested wrappers and refuses malformed ones", () => {
    expect(findStrategy("balanced(subsample(margin, 100))")?.name).toBe("balanced(subsample(margin,100))")
    expect(findStrategy("subsample(coreset)")).toBeUndefined()
    expect(findStrategy("subsample(coreset,0)")).toBeUndefined()
    expect(findStrategy("balanced(nope)")).toBeUndefined()
  })
})

describe("uncertainty scores", () => {
  const score = (f: (p: tf.Tensor2D) => tf.Tensor1D, rows: Array<Array<number>>) =>
    Array.from(tf.tidy(() => f(tf.tensor2d(rows)).dataSync()))

  it("are invariant under a permutation of the classes (property)", () => {
    fc.assert(
      fc.property(probabilityMatrix(10).chain((rows) => fc.tuple(fc.constant(rows), fc.shuffledSubarray(rows[0].map((_, i) => i), { minLength: rows[0].length }))), ([rows, perm]) => {
        const permuted = rows.map((r) => perm.map((j) => r[j]))
        for (const f of [maxProbability, marginScore, entropyScore]) {
          const a = score(f, rows)
          const b = score(f, permuted)
          a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 5))
        }
      }),
      { numRuns: 60 }
    )
  })

  it("entropy is maximal, log C, at the uniform distribution (property)", () => {
    fc.assert(
      fc.property(probabilityMatrix(10), (rows) => {
        const c = rows[0].length
        const uniform = score(entropyScore, [new Array(c).fill(1 / c)])[0]
        expect(uniform).toBeCloseTo(Math.log(c), 5)
        for (const h of score(entropyScore, rows)) expect(h).toBeLessThanOrEqual(uniform + 1e-5)
      })
    )
  })

  // Worked by hand: margins 0.01, 0.85, 0.10; max-probabilities 0.50, 0.90, 0.40;
  // entropies 0.742, 0.394, 1.089 nats.
  const rows = [
    [0.5, 0.49, 0.01],
    [0.9, 0.05, 0.05],
    [0.4, 0.3, 0.3]
  ]
  const candidates = Int32Array.from([10, 20, 30])

  it("margin queries the smallest p1 − p2 (row 0), not the largest (MDALTH's bug picked row 1)", () => {
    expect(score(marginScore, rows).map((v) => +v.toFixed(4))).toEqual([0.01, 0.85, 0.1])
    expect(Array.from(run(margin, rows, candidates, 1, 1))).toEqual([10])
    expect(Array.from(run(margin, rows, candidates, 2, 1))).toEqual([10, 30])
  })

  it("least confidence queries the lowest max-probability (row 2)", () => {
    expect(Array.from(run(leastConfidence, rows, candidates, 1, 1))).toEqual([30])
    expect(Array.from(run(leastConfidence, rows, candidates, 3, 1))).toEqual([30, 10, 20])
  })

  it("entropy queries the highest entropy (row 2, then row 0)", () => {
    expect(score(entropyScore, rows).map((v) => +v.toFixed(3))).toEqual([0.742, 0.394, 1.089])
    expect(Array.from(run(entropy, rows, candidates, 2, 1))).toEqual([30, 10])
  })
})

describe("topK", () => {
  it("breaks ties by the seed: all tied positions are reachable, the choice is reproducible", () => {
    const scores = new Float32Array(10).fill(0.5)
    const firsts = new Set<number>()
    for (let seed = 0; seed < 200; seed++) firsts.add(topK(scores, 1, "highest", RandomStream.make(seed))[0])
    expect(firsts.size).toBe(10)
    expect(Array.from(topK(scores, 4, "highest", RandomStream.make(5)))).toEqual(Array.from(topK(scores, 4, "highest", RandomStream.make(5))))
  })

  it("puts NaN scores last in either direction", () => {
    const scores = [Number.NaN, 1, 2]
    expect(Array.from(topK(scores, 3, "highest", RandomStream.make(1)))).toEqual([2, 1, 0])
    expect(Array.from(topK(scores, 3, "lowest", RandomStream.make(1)))).toEqual([1, 2, 0])
  })
})

describe("findStrategy", () => {
  it("accepts DalMax's class names as aliases", () => {
    expect(findStrategy("RandomSampling")?.name).toBe("random")
    expect(findStrategy("LeastConfidence")?.name).toBe("least-confidence")
    expect(findStrategy("MarginSampling")?.name).toBe("margin")
    expect(findStrategy("EntropySampling")?.name).toBe("entropy")
    expect(findStrategy("entropysampling")?.name).toBe("entropy")
    expect(findStrategy("nope")).toBeUndefined()
    for (const [alias, name] of [
      ["LeastConfidenceDropout", "least-confidence-dropout"],
      ["MarginSamplingDropout", "margin-dropout"],
      ["EntropySamplingDropout", "entropy-dropout"],
      ["BALDDropout", "bald"],
      ["KCenterGreedy", "coreset"],
      ["KMeansSampling", "kmeans"]
    ]) {
      expect(findStrategy(alias)?.name).toBe(name)
    }
  })
})
