import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { herdingSelect } from "../../src/strategies/kernels/herding.js"
import { findStrategy } from "../../src/strategies/catalogue.js"
import { leastLabelledDistance, marginUncertainty } from "../../src/strategies/uherding.js"
import { angles, directionBlobPicks } from "./fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("uherding", () => {
  it("UHerding's weights move the choice: weights (1, 1, 2, 0) → 10°, then 20° rather than 180°", () => {
    const x = angles(0, 10, 20, 180)
    expect(Array.from(herdingSelect(x, 0, 2, Float64Array.of(1, 1, 2, 0), 1, Int32Array.of(0, 1, 2, 3)))).toEqual([1, 2])
    x.dispose()
  })

  it("margin uncertainty 1 − (p₁ − p₂), with temperature scaling p^(1/T): (0.7, 0.2, 0.1) → 0.5, and at T = 2 → 0.757", () => {
    const u = marginUncertainty(Float32Array.of(0.7, 0.2, 0.1), 3, 1)
    expect(u[0]).toBeCloseTo(0.5, 6)
    expect(marginUncertainty(Float32Array.of(0.7, 0.2, 0.1), 3, 2)[0]).toBeCloseTo(0.7566, 3)
  })

  it("the adaptive bandwidth is the least positive distance between labelled points (normalised): 0°, 0°, 90° → √2", () => {
    const l = angles(0, 0, 90)
    expect(leastLabelledDistance(l)).toBeCloseTo(Math.SQRT2, 6)
    l.dispose()
  })

  it("as a catalogue strategy: cold start on three blobs of directions → one pick per blob", () => {
    expect(directionBlobPicks(findStrategy("UHerding")!)).toEqual([0, 1, 2])
  })

  it("counts a point's distance to itself as 0, as the authors' code does: with near-duplicate labelled points (h = 1e-3) each point covers only itself, so the picks follow the weights", () => {
    // float32 products put a point's squared distance to itself near 1e-7: at h = 1e-3 its K(x, x)
    // fell to about exp(−0.1) and reordered the picks; every distinct pair here is ≫ h apart
    const r = RandomStream.make(3)
    const [n, d, L] = [40, 16, 2]
    const rows = Array.from({ length: L + n }, () => Array.from({ length: d }, () => 2 * r.next() - 1))
    rows[1] = rows[0].map((v, j) => v + (j === 0 ? 2e-3 : 0))
    const x = tf.tensor2d(rows.flat(), [L + n, d])
    const weight = Float64Array.from({ length: L + n }, (_, i) => (i < L ? 1 : 1 + 0.001 * i))
    const picked = Array.from(herdingSelect(x, L, 10, weight, 1e-3, Int32Array.from({ length: L + n }, (_, i) => i)))
    x.dispose()
    expect(picked).toEqual([39, 38, 37, 36, 35, 34, 33, 32, 31, 30])
  })
})
