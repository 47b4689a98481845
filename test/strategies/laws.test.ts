import { existsSync } from "node:fs"
import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { strategyLaws } from "deal-active-learning/testing"
import { findStrategy, strategyCatalogue } from "../../src/strategies/catalogue.js"
import { entropyScore } from "../../src/strategies/kernels/entropy.js"
import { maxProbability } from "../../src/strategies/least-confidence.js"
import { marginScore } from "../../src/strategies/margin.js"
import { probabilityMatrix, score } from "./fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("the strategy tests", () => {
  it("give every catalogue strategy and wrapper a file of its own worked examples beside these laws", () => {
    const missing = [...strategyCatalogue.map((s) => s.name), "balanced", "subsample", "combination"].filter((name) => !existsSync(new URL(`./${name}.test.ts`, import.meta.url)))
    expect(missing).toEqual([])
  })
})

describe.each(strategyCatalogue.map((s) => [s.name, s] as const))("strategy %s obeys the laws of deal-active-learning/testing", (_, strategy) => {
  // the adversarial strategies run a model per selection: fewer runs keep the suite fast
  const numRuns = strategy.needs.includes("model") ? 8 : 25
  for (const law of strategyLaws(strategy, { numRuns })) it(law.name, law.check)
})

describe.each(["balanced(entropy)", "balanced(coreset)", "subsample(bald,5)", "subsample(badge,4)"].map((n) => [n, findStrategy(n)!] as const))(
  "wrapper %s obeys the laws of deal-active-learning/testing",
  (_, strategy) => {
    for (const law of strategyLaws(strategy, { numRuns: 15 })) it(law.name, law.check)
  }
)

describe("uncertainty scores", () => {
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
})
