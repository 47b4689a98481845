import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { aubc, commonBudget, labelsToReach, meanCurves, sampleStd, spread } from "../../src/report/grid-stats.js"

describe("area under the budget curve", () => {
  it("is the trapezoidal area divided by the budget's width (worked example)", () => {
    // 20 → 40: (0.5 + 0.7) / 2 · 20 = 12; 40 → 80: (0.7 + 0.9) / 2 · 40 = 32; (12 + 32) / 60 = 0.7333…
    const curve = [
      { labels: 20, accuracy: 0.5 },
      { labels: 40, accuracy: 0.7 },
      { labels: 80, accuracy: 0.9 }
    ]
    expect(aubc(curve, 20, 80)).toBeCloseTo(44 / 60, 12)
    // only the part of the curve inside the budget counts
    expect(aubc(curve, 20, 40)).toBeCloseTo(0.6, 12)
    expect(aubc(curve, 40, 40)).toBe(0.7)
    // order of the points does not matter
    expect(aubc([...curve].reverse(), 20, 80)).toBeCloseTo(44 / 60, 12)
  })

  it("is NaN when the curve does not cover the budget", () => {
    expect(aubc([{ labels: 20, accuracy: 0.5 }], 20, 40)).toBeNaN()
  })

  it("lies between the curve's lowest and highest accuracy, and is the constant for a flat curve", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 30 }), fc.integer({ min: 1, max: 50 }), (accs, step) => {
        const curve = accs.map((accuracy, i) => ({ labels: 10 + i * step, accuracy }))
        const a = aubc(curve, 10, 10 + (accs.length - 1) * step)
        expect(a).toBeGreaterThanOrEqual(Math.min(...accs) - 1e-12)
        expect(a).toBeLessThanOrEqual(Math.max(...accs) + 1e-12)
        expect(aubc(curve.map((p) => ({ ...p, accuracy: 0.42 })), 10, 10 + (accs.length - 1) * step)).toBeCloseTo(0.42, 12)
      })
    )
  })
})

describe("labels to reach an accuracy", () => {
  const mean = [
    { labels: 20, mean: 0.6 },
    { labels: 30, mean: 0.85 },
    { labels: 40, mean: 0.91 },
    { labels: 50, mean: 0.89 },
    { labels: 60, mean: 0.95 }
  ]
  it("is the first label count whose mean accuracy is at least the target, without interpolation", () => {
    expect(labelsToReach(mean, 0.9)).toBe(40)
    expect(labelsToReach(mean, 0.91)).toBe(40)
    expect(labelsToReach(mean, 0.95)).toBe(60)
    expect(labelsToReach(mean, 0.5)).toBe(20)
    expect(labelsToReach([...mean].reverse(), 0.9)).toBe(40)
  })
  it("is undefined when the curve never reaches it", () => {
    expect(labelsToReach(mean, 0.96)).toBeUndefined()
  })
  it("reads the seed-mean curve, not each seed (Gal et al. 2017)", () => {
    // seed 1 reaches 0.9 at 30 labels, seed 2 at 50; their mean first reaches 0.9 at 40
    const curves = meanCurves([
      { strategy: "a", seed: 1, points: [{ labels: 20, accuracy: 0.5 }, { labels: 30, accuracy: 0.92 }, { labels: 40, accuracy: 0.94 }, { labels: 50, accuracy: 0.95 }] },
      { strategy: "a", seed: 2, points: [{ labels: 20, accuracy: 0.5 }, { labels: 30, accuracy: 0.8 }, { labels: 40, accuracy: 0.88 }, { labels: 50, accuracy: 0.93 }] }
    ])
    expect(curves.map((c) => c.mean)).toEqual([0.5, 0.86, 0.91, 0.94].map((m) => expect.closeTo(m, 12)))
    expect(labelsToReach(curves, 0.9)).toBe(40)
  })
})

describe("seed statistics", () => {
  it("uses the sample standard deviation (n − 1), 0 for one seed", () => {
    expect(sampleStd([0.5, 0.7])).toBeCloseTo(Math.SQRT2 / 10, 12)
    expect(sampleStd([0.5])).toBe(0)
    expect(spread([1, 2, 3])).toEqual({ n: 3, mean: 2, std: 1, min: 1, max: 3 })
  })
  it("groups curves by strategy and label count, counting the seeds at each", () => {
    const curves = meanCurves([
      { strategy: "a", seed: 1, points: [{ labels: 10, accuracy: 0.4 }, { labels: 20, accuracy: 0.6 }] },
      { strategy: "a", seed: 2, points: [{ labels: 10, accuracy: 0.6 }] },
      { strategy: "b", seed: 1, points: [{ labels: 10, accuracy: 0.3 }] }
    ])
    expect(curves).toEqual([
      { strategy: "a", labels: 10, mean: 0.5, std: expect.closeTo(Math.SQRT2 / 10, 12), n: 2 },
      { strategy: "a", labels: 20, mean: 0.6, std: 0, n: 1 },
      { strategy: "b", labels: 10, mean: 0.3, std: 0, n: 1 }
    ])
    expect(commonBudget([{ strategy: "a", seed: 1, points: [{ labels: 10, accuracy: 0 }, { labels: 30, accuracy: 0 }] }, { strategy: "a", seed: 2, points: [{ labels: 10, accuracy: 0 }, { labels: 20, accuracy: 0 }] }])).toEqual({ from: 10, to: 20 })
  })
})
