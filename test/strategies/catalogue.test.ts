import { describe, expect, it } from "vitest"
import { findStrategy } from "../../src/strategies/catalogue.js"

describe("wrapper expressions", () => {
  it("parses nested wrappers and refuses malformed ones", () => {
    expect(findStrategy("balanced(subsample(margin, 100))")?.name).toBe("balanced(subsample(margin,100))")
    expect(findStrategy("subsample(coreset)")).toBeUndefined()
    expect(findStrategy("subsample(coreset,0)")).toBeUndefined()
    expect(findStrategy("balanced(nope)")).toBeUndefined()
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
