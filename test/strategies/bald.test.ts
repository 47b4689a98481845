import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import fc from "fast-check"
import { mcSamples } from "deal-active-learning/testing"
import { beforeAll, describe, expect, it } from "vitest"
import { baldScore, meanProbabilities } from "../../src/strategies/mc-scores.js"
import { entropyScore } from "../../src/strategies/kernels/entropy.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("BALD", () => {
  it("is ≥ 0 and ≤ the entropy of the mean (property)", () => {
    fc.assert(
      fc.property(mcSamples(), (s) => {
        const [bald, h] = tf.tidy(() => {
          const mc = tf.tensor3d(s.data, [s.rows, s.samples, s.classes])
          return [baldScore(mc).dataSync(), entropyScore(meanProbabilities(mc)).dataSync()]
        })
        bald.forEach((v, i) => {
          expect(v).toBeGreaterThanOrEqual(0)
          expect(v).toBeLessThanOrEqual(h[i] + 1e-6)
        })
      }),
      { numRuns: 100 }
    )
  })

  it("is 0 when every pass agrees and log 2 for two confident passes that disagree", () => {
    const v = tf.tidy(() => baldScore(tf.tensor3d([0.3, 0.7, 0.3, 0.7, 1, 0, 0, 1], [2, 2, 2])).dataSync())
    expect(v[0]).toBeCloseTo(0, 6)
    expect(v[1]).toBeCloseTo(Math.log(2), 6)
  })
})
