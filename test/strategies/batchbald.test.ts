import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import fc from "fast-check"
import { mcSamplesOf, selectOn, strategyWorld } from "deal-active-learning/testing"
import { beforeAll, describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { bald } from "../../src/strategies/bald.js"
import { batchBaldSelect } from "../../src/strategies/batchbald.js"

/** Exact joint mutual information of a batch, enumerating all C^|batch| label configurations. */
const jointMI = (mc: Float32Array, T: number, C: number, batch: ReadonlyArray<number>) => {
  let h = 0
  const configs = C ** batch.length
  for (let cfg = 0; cfg < configs; cfg++) {
    let p = 0
    for (let t = 0; t < T; t++) {
      let q = 1
      for (let j = 0, c = cfg; j < batch.length; j++, c = Math.floor(c / C)) q *= mc[(batch[j] * T + t) * C + (c % C)]
      p += q / T
    }
    if (p > 0) h -= p * Math.log(p)
  }
  let cond = 0
  for (const i of batch) for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) { const v = mc[(i * T + t) * C + c]; if (v > 0) cond -= v * Math.log(v) / T }
  return h - cond
}

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("batchbald", () => {
  it("each greedy pick has the largest exact joint mutual information with the batch so far (property)", () => {
    fc.assert(
      fc.property(
        fc.record({ n: fc.integer({ min: 1, max: 8 }), t: fc.integer({ min: 1, max: 5 }), c: fc.integer({ min: 2, max: 3 }), k: fc.integer({ min: 1, max: 4 }) })
          .chain((s) => fc.tuple(fc.constant(s), mcSamplesOf(s.n, s.t, s.c), fc.integer())),
        ([{ n, t, c, k }, mc, seed]) => {
          const picked = Array.from(batchBaldSelect(mc.data, n, t, c, k, RandomStream.make(seed), { maxConfigurations: 1 << 12 }))
          expect(new Set(picked).size).toBe(Math.min(k, n))
          for (let s = 0; s < picked.length; s++) {
            const prefix = picked.slice(0, s)
            const best = Math.max(...Array.from({ length: n }, (_, i) => i).filter((i) => !prefix.includes(i)).map((i) => jointMI(mc.data, t, c, [...prefix, i])))
            expect(jointMI(mc.data, t, c, [...prefix, picked[s]])).toBeGreaterThanOrEqual(best - 1e-4)
          }
        }
      ),
      { numRuns: 60 }
    )
  })

  it("with a batch of one is BALD's top pick, and with sampled configurations stays close to exact", () => {
    const r = RandomStream.make(3)
    const [n, T, C] = [40, 6, 4]
    const mc = new Float32Array(n * T * C)
    for (let i = 0; i < n * T; i++) {
      const w = Array.from({ length: C }, () => r.next() ** 3)
      const s = w.reduce((a, b) => a + b, 0)
      w.forEach((v, c) => (mc[i * C + c] = v / s))
    }
    const top = selectOn(bald, { ...fc.sample(strategyWorld(), { seed: 1, numRuns: 1 })[0], candidates: Int32Array.from({ length: n }, (_, i) => i), k: 1, mcProbabilities: { rows: n, samples: T, classes: C, data: mc } })
    expect(batchBaldSelect(mc, n, T, C, 1, RandomStream.make(1))[0]).toBe(top[0])
    const exact = Array.from(batchBaldSelect(mc, n, T, C, 5, RandomStream.make(1), { maxConfigurations: 1 << 12 }))
    const sampled = Array.from(batchBaldSelect(mc, n, T, C, 5, RandomStream.make(1), { maxConfigurations: 16 }))
    expect(new Set(sampled).size).toBe(5)
    // 4^5 configurations vs 16 sampled ones: the batch's information is close to the exact greedy's
    expect(jointMI(mc, T, C, sampled)).toBeGreaterThan(0.8 * jointMI(mc, T, C, exact))
  })
})
