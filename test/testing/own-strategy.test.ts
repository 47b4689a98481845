// The example of deal-active-learning/testing in docs/library.md: a user's own strategy checked against the laws.
import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { Strategies } from "deal-active-learning"
import { strategyLaws } from "deal-active-learning/testing"
import { beforeAll, describe, expect, it } from "vitest"

beforeAll(() => tf.setBackend("cpu"))

// Your strategy: the total variance over MC-dropout passes, Σ_c Var_t p_tc, highest first.
const totalVariance = Strategies.scoredStrategy({
  name: "total-variance",
  rule: "highest Σ_c Var_t p_tc over MC-dropout passes first",
  citation: "an example",
  direction: "highest",
  needs: ["mcProbabilities"],
  score: ({ mcProbabilities }) => tf.sum(tf.moments(mcProbabilities!, 1).variance, 1) as tf.Tensor1D
})

describe("my strategy", () => {
  for (const law of strategyLaws(totalVariance)) it(law.name, law.check)
})

// The laws catch the usual mistakes: here, returning k indices when fewer candidates remain.
const broken: Strategies.Strategy = {
  name: "first-k",
  aliases: [],
  doc: { rule: "the first k candidates", citation: "a broken example" },
  needs: [],
  select: ({ candidates, k }) => Int32Array.from({ length: k }, (_, i) => candidates[i % candidates.length])
}

describe("a broken strategy", () => {
  it("fails the first law with a counterexample", () => {
    const error = (() => {
      try {
        strategyLaws(broken)[0].check()
      } catch (e) {
        return e as Error
      }
    })()
    expect(error?.message).toMatch(/^Property failed/)
    expect(String(error?.cause)).toMatch(/selected \d+ indices, expected min\(k=\d+, n=\d+\)/)
  })
})
