import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import fc from "fast-check"
import { selectOn, strategyWorld } from "deal-active-learning/testing"
import { beforeAll, describe, expect, it } from "vitest"
import { findStrategy } from "../../src/strategies/catalogue.js"
import { orientedRanks, weightedCombination } from "../../src/strategies/combination.js"
import { margin } from "../../src/strategies/margin.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
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
