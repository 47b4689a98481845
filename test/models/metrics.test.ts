import { describe, expect, it } from "vitest"
import { classificationMetrics, macroF1 } from "../../src/models/metrics.js"

describe("classification metrics", () => {
  it("macro-F1 on a worked example", () => {
    // truth 0 0 1 1 2, predicted 0 1 1 1 0:
    // class 0: TP 1, FP 1, FN 1 → 2/4; class 1: TP 2, FP 1, FN 0 → 4/5; class 2: TP 0, FN 1 → 0
    expect(macroF1([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], 3)).toBeCloseTo((0.5 + 0.8 + 0) / 3, 10)
  })

  it("accuracy and cross-entropy from probabilities", () => {
    const probs = Float32Array.from([0.9, 0.1, 0.2, 0.8, 0.6, 0.4])
    const m = classificationMetrics(probs, Int32Array.from([0, 1, 1]), 2)
    expect(m.accuracy).toBeCloseTo(2 / 3, 10)
    expect(m.loss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8) + Math.log(0.4)) / 3, 5)
    expect(macroF1([1, 1], [1, 1], 2)).toBe(1)
  })
})
