import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { findStrategy } from "../../src/strategies/catalogue.js"
import { epigScore } from "../../src/strategies/epig.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("epig", () => {
  // candidate A: passes (1, 0) and (0, 1), all disagreement; B: (0.5, 0.5) twice, none;
  // C: (0, 1) then (1, 0), A's passes the other way round
  const mc = () => tf.tensor3d([[[1, 0], [0, 1]], [[0.5, 0.5], [0.5, 0.5]], [[0, 1], [1, 0]]]) as tf.Tensor3D

  it("worked by hand: with A as the only target, I(y_A; y_A) = log 2, I(y_B; y_A) = 0, and C, anti-correlated with A, log 2", () => {
    const t = mc()
    const s = epigScore(t, Int32Array.of(0))
    expect(s[0]).toBeCloseTo(Math.log(2), 5)
    expect(s[1]).toBeCloseTo(0, 6)
    expect(s[2]).toBeCloseTo(Math.log(2), 5)
    t.dispose()
  })

  it("averages over the targets: with targets A and B, A scores (log 2 + 0) / 2; blocks of one row give the same", () => {
    const t = mc()
    const s = epigScore(t, Int32Array.of(0, 1))
    expect(s[0]).toBeCloseTo(Math.log(2) / 2, 5)
    expect(Array.from(epigScore(t, Int32Array.of(0, 1), 8))).toEqual(Array.from(s))
    t.dispose()
  })

  it("as a catalogue strategy queries the candidates whose predictions inform the others' first", () => {
    const t = mc()
    const picked = findStrategy("EPIG")!.select({ candidates: Int32Array.of(5, 6, 7), k: 2, mcProbabilities: t, rng: RandomStream.make(1) })
    expect(Array.from(picked).sort()).toEqual([5, 7])
    t.dispose()
  })
})
