import { describe, expect, it } from "vitest"
import { maxLabels, maxRounds, maxSeconds, targetAccuracy } from "../../src/stopping/budget.js"
import { parseStopping, stoppingNames } from "../../src/stopping/catalogue.js"
import { changingConfidence } from "../../src/stopping/changing-confidence.js"
import { classificationChange } from "../../src/stopping/classification-change.js"
import { after, allOf, anyOf } from "../../src/stopping/combinators.js"
import { firstStop, type Observation, type StoppingCriterion } from "../../src/stopping/criterion.js"
import { deltaF, deltaFBetween } from "../../src/stopping/delta-f.js"
import { maxConfidence } from "../../src/stopping/max-confidence.js"
import { minExpectedError } from "../../src/stopping/min-expected-error.js"
import { overallUncertainty } from "../../src/stopping/overall-uncertainty.js"
import { performanceConvergence } from "../../src/stopping/performance-convergence.js"
import { selectedAccuracy } from "../../src/stopping/selected-accuracy.js"
import { stabilizingPredictions } from "../../src/stopping/stabilizing-predictions.js"
import { validationPlateau } from "../../src/stopping/validation-plateau.js"
import { observation } from "./observations.js"

/** The round at which a criterion first stops on a sequence (undefined: never). */
const firesAt = (c: StoppingCriterion<any>, obs: ReadonlyArray<Observation>) => {
  const stop = firstStop(c, obs)
  return stop === undefined ? undefined : obs[stop.index].round
}
/** Asserts the exact round: it fires at `round` and not on the sequence cut one round earlier. */
const expectFiresAt = (c: StoppingCriterion<any>, obs: ReadonlyArray<Observation>, round: number) => {
  expect(firesAt(c, obs)).toBe(round)
  expect(firesAt(c, obs.slice(0, round))).toBeUndefined()
}

const predictions = (...rows: Array<Array<number>>) => rows.map((p, r) => observation(r, { predictions: p }))

describe("stabilizing-predictions (window 3, κ ≥ 0.99)", () => {
  it("needs three κ values after the first model: identical predictions from round 0 fire at round 3", () => {
    const same = [0, 1, 1, 0, 1, 0]
    expectFiresAt(stabilizingPredictions(), predictions(same, same, same, same, same), 3)
  })
  it("a disagreeing round keeps the mean low until it leaves the window", () => {
    const a = [0, 1, 1, 0, 1, 0]
    const b = [1, 0, 1, 0, 1, 0]
    // κ: r1 = κ(a, b) < 1, r2..r4 = 1 → the mean first reaches 0.99 at round 4
    expectFiresAt(stabilizingPredictions(), predictions(a, b, b, b, b, b), 4)
  })
  it("threshold 1 (perfect agreement) can fire: κ never exceeds 1, so the rule is mean κ ≥ threshold", () => {
    const same = [0, 1, 1, 0, 1, 0]
    expectFiresAt(stabilizingPredictions({ threshold: 1 }), predictions(same, same, same, same, same), 3)
  })
  it("says why", () => {
    const same = [0, 1]
    expect(firstStop(stabilizingPredictions(), predictions(same, same, same, same))?.decision.reason).toBe(
      "mean κ of the last 3 rounds 1.0000 ≥ 0.99"
    )
  })
})

describe("changing-confidence (Vlachos 2008, window 3)", () => {
  const seq = (...means: Array<number>) => means.map((m, r) => observation(r, { confidence: [m, m] }))
  it("mode D fires after three consecutive drops from the peak", () => {
    expectFiresAt(changingConfidence(), seq(0.5, 0.6, 0.7, 0.65, 0.6, 0.55, 0.5), 5)
  })
  it("mode N also fires when the confidence stays flat; mode D does not", () => {
    expectFiresAt(changingConfidence({ mode: "N" }), seq(0.7, 0.7, 0.7, 0.7, 0.7), 3)
    expect(firesAt(changingConfidence(), seq(0.7, 0.7, 0.7, 0.7, 0.7))).toBeUndefined()
  })
})

describe("Zhu et al. (2008) criteria", () => {
  it("max-confidence: the queried batch's least entropy < 0.001", () => {
    const q = (...entropy: Array<number>) => ({ predicted: entropy.map(() => 0), labels: entropy.map(() => 0), entropy })
    const obs = [observation(0), observation(1, { queried: q(0.5, 0.01) }), observation(2, { queried: q(0.002, 0.3) }), observation(3, { queried: q(0.0005, 0.2) })]
    expectFiresAt(maxConfidence(), obs, 3)
  })
  it("overall-uncertainty: mean normalised entropy on the stop set < 0.05", () => {
    const seq = [0.5, 0.1, 0.06, 0.04].map((u, r) => observation(r, { entropy: [u * Math.LN2, u * Math.LN2] }))
    expectFiresAt(overallUncertainty(), seq, 3)
  })
  it("selected-accuracy: the last model got ≥ 90% of the batch it chose right", () => {
    const q = (correct: number) => ({ predicted: new Array(10).fill(1), labels: Array.from({ length: 10 }, (_, i) => (i < correct ? 1 : 0)), entropy: new Array(10).fill(0.5) })
    const obs = [observation(0), observation(1, { queried: q(5) }), observation(2, { queried: q(8) }), observation(3, { queried: q(9) })]
    expectFiresAt(selectedAccuracy(), obs, 3)
  })
  it("min-expected-error: mean(1 − max p) on the stop set ≤ 0.01", () => {
    const seq = [0.9, 0.98, 0.995].map((c, r) => observation(r, { confidence: [c, c] }))
    expectFiresAt(minExpectedError(), seq, 2)
  })
  it("classification-change: no stop-set prediction changed since the last round", () => {
    expectFiresAt(classificationChange(), predictions([0, 1, 0, 1], [0, 1, 1, 1], [0, 1, 1, 1]), 2)
  })
})

describe("delta-f (Altschuler & Bloodgood 2019)", () => {
  it("ΔF on a worked example: a = 1, b = c = 1 → 1 − 2/4", () => {
    expect(deltaFBetween([1, 1, 0, 0], [1, 0, 1, 0], 1)).toBe(0.5)
    expect(deltaFBetween([0, 0], [0, 0], 1)).toBe(0)
  })
  it("fires when the last three ΔF are all below 0.05", () => {
    const a = [1, 1, 0, 0]
    const b = [1, 0, 1, 0]
    expectFiresAt(deltaF(), predictions(a, b, b, b, b), 4)
  })
})

describe("performance-convergence (Laws & Schütze 2008)", () => {
  it("fires when the 10-round mean gain of estimated accuracy is in (0, 5e-5) at a new maximum", () => {
    const v = (r: number) => (r <= 5 ? 0.5 + 0.04 * r : 0.7 + 1e-5 * (r - 5))
    const seq = Array.from({ length: 20 }, (_, r) => observation(r, { confidence: [v(r), v(r)] }))
    expectFiresAt(performanceConvergence(), seq, 15)
  })
})

describe("validation-plateau (patience 3, ε 0.001)", () => {
  it("fires after three rounds without improving the best by ε", () => {
    const seq = [0.5, 0.6, 0.6005, 0.6, 0.6008, 0.7].map((v, r) => observation(r, { validation: v }))
    expectFiresAt(validationPlateau(), seq, 4)
  })
  it("never fires without a validation set", () => {
    expect(firesAt(validationPlateau(), Array.from({ length: 10 }, (_, r) => observation(r)))).toBeUndefined()
  })
})

describe("budgets", () => {
  const seq = Array.from({ length: 8 }, (_, r) => observation(r))
  it("max-rounds, max-labels and max-seconds fire at their budget", () => {
    expectFiresAt(maxRounds(3), seq, 3)
    expectFiresAt(maxLabels(50), seq, 4)
    expectFiresAt(maxSeconds(2.5), seq, 3)
  })
  it("target-accuracy fires once the test accuracy has stayed at or above the target for 3 rounds", () => {
    // a dip below the target starts the count again
    const seq = [0.9, 0.95, 0.96, 0.949, 0.95, 0.97, 0.955, 0.99].map((test, r) => observation(r, { test }))
    expectFiresAt(targetAccuracy(0.95), seq, 6)
    expectFiresAt(targetAccuracy(0.95, 1), seq, 1)
    expect(firesAt(targetAccuracy(0.995), seq)).toBeUndefined()
  })
})

describe("combinators", () => {
  const seq = Array.from({ length: 8 }, (_, r) => observation(r))
  it("any fires at its earliest member, all at its latest", () => {
    expectFiresAt(anyOf([maxRounds(5), maxLabels(30)]), seq, 2)
    expectFiresAt(allOf([maxRounds(5), maxLabels(30)]), seq, 5)
    expect(firstStop(anyOf([maxRounds(5), maxLabels(30)]), seq)?.decision.criterion).toBe("max-labels")
  })
  it("after(n, c) does not stop before n labels", () => {
    const same = Array.from({ length: 8 }, (_, r) => observation(r, { predictions: [0, 1] }))
    expectFiresAt(classificationChange(), same, 1)
    expectFiresAt(after(40, classificationChange()), same, 3)
  })
})

describe("parseStopping", () => {
  it("knows every criterion, takes name=value, and names what is wrong", () => {
    for (const name of ["stabilizing-predictions", "changing-confidence", "max-confidence", "overall-uncertainty", "selected-accuracy", "min-expected-error", "classification-change", "delta-f", "performance-convergence", "validation-plateau", "max-rounds", "max-labels", "max-seconds"]) {
      expect(stoppingNames).toContain(name)
    }
    expect(parseStopping("max-labels=1000")._tag).toBe("Right")
    expect(parseStopping("stabilizing-predictions")._tag).toBe("Right")
    const e = parseStopping("max-labels")
    expect(e._tag === "Left" && e.left.message).toBe("stopping criterion 'max-labels' needs a value, as in max-labels=100")
    const t = parseStopping("target-accuracy=95")
    expect(t._tag === "Left" && t.left.message).toBe("stopping criterion 'target-accuracy': accuracy must be a decimal number from 0 to 1, got '95'")
    const hex = parseStopping("max-labels=0x10")
    expect(hex._tag === "Left" && hex.left.message).toBe("stopping criterion 'max-labels': labels must be a non-negative decimal number, got '0x10'")
    expect(parseStopping("target-accuracy=0.95")._tag).toBe("Right")
    const u = parseStopping("nope")
    expect(u._tag === "Left" && u.left.message).toMatch(/^unknown stopping criterion 'nope': expected one of stabilizing-predictions, /)
  })
})
