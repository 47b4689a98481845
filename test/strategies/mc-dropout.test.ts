import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import * as tfl from "@tensorflow/tfjs-layers"
import { Cause, Effect, Exit, Scope } from "effect"
import fc from "fast-check"
import { mcSamples } from "deal/testing"
import { beforeAll, describe, expect, it } from "vitest"
import type { Dataset } from "../../src/data/dataset.js"
import { poolFromLabeled } from "../../src/data/pool.js"
import { layerChain, modelOutputs, NoDropoutError } from "../../src/models/forward.js"
import { galCnn } from "../../src/models/gal-cnn.js"
import { mlp } from "../../src/models/mlp.js"
import { computeNeeds, roundCandidates } from "../../src/loop/querier.js"
import { RandomStream } from "../../src/runtime/random.js"
import { baldScore, meanProbabilities, meanStdScore } from "../../src/strategies/mc-scores.js"
import { findStrategy } from "../../src/strategies/catalogue.js"
import { epigScore } from "../../src/strategies/epig.js"
import { entropyScore } from "../../src/strategies/kernels/entropy.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

/** A tiny image dataset of n random 8×8 images and 3 classes. */
const tinyData = (n: number, seed = 1): Dataset => {
  const r = RandomStream.make(seed, "data")
  return {
    name: "tiny",
    x: Float32Array.from({ length: n * 64 }, () => r.next()),
    shape: [8, 8, 1],
    y: Int32Array.from({ length: n }, () => r.int(3)),
    classNames: ["a", "b", "c"]
  }
}
const seeds = (s: number) => {
  const r = RandomStream.make(s, "init")
  return () => r.seed()
}
const data = tinyData(30)
const all = Int32Array.from({ length: 30 }, (_, i) => i)
const run = <A>(e: Effect.Effect<A>) => Effect.runPromise(e)

describe("MC dropout (modelOutputs)", () => {
  const model = galCnn()({ inputShape: [8, 8, 1], numClasses: 3, seed: seeds(1) })

  it("splits the Gal CNN at its first dropout layer and takes the embedding before the output layer", () => {
    const chain = layerChain(model)!
    expect(chain.layers[chain.firstDropout].getClassName()).toBe("SeededDropout")
    expect(chain.firstDropout).toBe(3)
    expect(chain.head).toBe(chain.layers.length - 1)
  })

  it("gives T passes that differ, the same for the same seed, others for another seed", async () => {
    const a = (await run(modelOutputs(model, data, all, { mc: { samples: 4, seed: 7 } }))).mcProbabilities!
    const b = (await run(modelOutputs(model, data, all, { mc: { samples: 4, seed: 7 } }))).mcProbabilities!
    const c = (await run(modelOutputs(model, data, all, { mc: { samples: 4, seed: 8 } }))).mcProbabilities!
    expect(Array.from(b)).toEqual(Array.from(a))
    expect(Array.from(c)).not.toEqual(Array.from(a))
    // pass 0 and pass 1 of example 0 differ; every pass is a probability vector
    expect(Array.from(a.subarray(0, 3))).not.toEqual(Array.from(a.subarray(3, 6)))
    for (let r = 0; r < 30 * 4; r++) expect(a[r * 3] + a[r * 3 + 1] + a[r * 3 + 2]).toBeCloseTo(1, 5)
  })

  it("reuses the deterministic prefix: same samples as running every pass whole, with the prefix run once per batch", async () => {
    const first = model.layers[0]
    const original = first.apply.bind(first)
    let calls = 0
    first.apply = ((...args: Parameters<typeof first.apply>) => (calls++, original(...args))) as typeof first.apply
    try {
      const cached = await run(modelOutputs(model, data, all, { probabilities: true, mc: { samples: 5, seed: 3 }, batchSize: 10 }))
      expect(calls).toBe(3) // 3 batches, one prefix each, shared by the deterministic pass and 5 MC passes
      calls = 0
      const whole = await run(modelOutputs(model, data, all, { probabilities: true, mc: { samples: 5, seed: 3, cachePrefix: false }, batchSize: 10 }))
      expect(calls).toBe(3 * (1 + 5))
      Array.from(whole.mcProbabilities!).forEach((v, i) => expect(cached.mcProbabilities![i]).toBeCloseTo(v, 6))
    } finally {
      first.apply = original
    }
  })

  it("computes deterministic probabilities equal to predict, and penultimate embeddings", async () => {
    const out = await run(modelOutputs(model, data, all, { probabilities: true, embeddings: true }))
    const predicted = tf.tidy(() => (model.predict(tf.tensor(data.x, [30, 8, 8, 1])) as tf.Tensor).dataSync())
    Array.from(predicted).forEach((v, i) => expect(out.probabilities![i]).toBeCloseTo(v, 5))
    expect(out.embeddingSize).toBe(128)
    expect(out.embeddings).toHaveLength(30 * 128)
    // the output layer applied to the embeddings gives the probabilities back
    const again = tf.tidy(() => (model.layers[model.layers.length - 1].apply(tf.tensor2d(out.embeddings!, [30, 128])) as tf.Tensor).dataSync())
    Array.from(again).forEach((v, i) => expect(out.probabilities![i]).toBeCloseTo(v, 5))
  })

  it("runs MC passes on functional (non-Sequential) models too, reproducibly", async () => {
    const s = seeds(2)
    const seq = mlp({ hidden: 16 })({ inputShape: [8, 8, 1], numClasses: 3, seed: s })
    const functional = tfl.model({ inputs: seq.inputs, outputs: seq.outputs })
    const a = await run(modelOutputs(functional, data, all, { embeddings: true, mc: { samples: 3, seed: 1 } }))
    const b = await run(modelOutputs(functional, data, all, { embeddings: true, mc: { samples: 3, seed: 1 } }))
    expect(Array.from(a.mcProbabilities!)).toEqual(Array.from(b.mcProbabilities!))
    expect(Array.from(a.mcProbabilities!.subarray(0, 3))).not.toEqual(Array.from(a.mcProbabilities!.subarray(3, 6)))
    expect(a.embeddingSize).toBe(16)
  })

  it("refuses MC dropout on a model without dropout layers (every pass would be identical)", async () => {
    const plain = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [8, 8, 1] }), tfl.layers.dense({ units: 3, activation: "softmax" })] })
    const exit = await Effect.runPromiseExit(modelOutputs(plain, data, all, { mc: { samples: 2, seed: 1 } }))
    expect(Exit.isFailure(exit) && Cause.squash(exit.cause)).toBeInstanceOf(NoDropoutError)
  })
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

describe("mean-STD", () => {
  /** The score in float64: the mean over classes of the (population) std over passes. */
  const reference = (rows: ReadonlyArray<ReadonlyArray<ReadonlyArray<number>>>) =>
    rows.map((passes) => {
      const C = passes[0].length
      let total = 0
      for (let c = 0; c < C; c++) {
        const v = passes.map((p) => Math.fround(p[c]))
        const mean = v.reduce((a, b) => a + b, 0) / v.length
        total += Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length)
      }
      return total / C
    })
  const score = (rows: ReadonlyArray<ReadonlyArray<ReadonlyArray<number>>>) =>
    Array.from(tf.tidy(() => meanStdScore(tf.tensor3d(rows.map((r) => r.map((p) => [...p])))).dataSync()))

  it("property: identical passes score exactly 0, whatever the probabilities", () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: Math.fround(1e-6), max: 1, noNaN: true }), { minLength: 2, maxLength: 6 }), fc.integer({ min: 2, max: 30 }), (p, T) => {
        expect(score([Array.from({ length: T }, () => p)])).toEqual([0])
      }),
      { numRuns: 200 }
    )
  })

  it("property: ranks candidates whose passes differ by 1e-5 to 1e-3 as a float64 computation does", () => {
    const candidate = fc
      .tuple(fc.float({ min: Math.fround(0.05), max: Math.fround(0.95), noNaN: true }), fc.integer({ min: -5, max: -3 }), fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }))
      .map(([p, e, noise]) => noise.map((z) => [p + z * 10 ** e, 1 - p - z * 10 ** e]))
    fc.assert(
      fc.property(fc.array(candidate, { minLength: 2, maxLength: 8 }), (rows) => {
        const [ours, exact] = [score(rows), reference(rows)]
        ours.forEach((s, i) => expect(Math.abs(s - exact[i])).toBeLessThanOrEqual(1e-3 * exact[i] + 1e-7))
      }),
      { numRuns: 200 }
    )
  })
})

describe("the querier's needs", () => {
  it("scores a seeded subset of m unlabelled examples: sorted, unlabelled, reproducible", () => {
    const pool = poolFromLabeled(100, [1, 2, 3, 50])
    const a = roundCandidates(pool, 20, RandomStream.make(1, "round", 0, "subset"))
    expect(a).toHaveLength(20)
    expect(Array.from(a)).toEqual(Array.from(a).sort((x, y) => x - y))
    for (const i of a) expect(pool.mask[i]).toBe(0)
    expect(Array.from(roundCandidates(pool, 20, RandomStream.make(1, "round", 0, "subset")))).toEqual(Array.from(a))
    expect(roundCandidates(pool, 1000, RandomStream.make(1))).toHaveLength(96)
  })

  it("computes every need once and frees them all", async () => {
    const model = mlp({ hidden: 8 })({ inputShape: [8, 8, 1], numClasses: 3, seed: seeds(3) })
    const before = tf.memory().numTensors
    const scope = Effect.runSync(Scope.make())
    const needs = await run(
      Scope.extend(computeNeeds({
        needs: ["probabilities", "mcProbabilities", "embeddings", "labeledEmbeddings", "gradientEmbeddings", "model"],
        model,
        data,
        candidates: all.subarray(5),
        labeled: all.subarray(0, 5),
        mcSamples: 4,
        mcSeed: 1
      }), scope)
    )
    expect(needs.probabilities!.shape).toEqual([25, 3])
    expect(needs.mcProbabilities!.shape).toEqual([25, 4, 3])
    expect(needs.embeddings!.shape).toEqual([25, 8])
    expect(needs.labeledEmbeddings!.shape).toEqual([5, 8])
    expect(needs.gradientEmbeddings!.features).toBe(needs.embeddings)
    const residual = needs.gradientEmbeddings!.residual.arraySync()
    for (const r of residual) expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 5)
    const x = needs.model!.features([0, 1])
    expect(x.shape).toEqual([2, 8, 8, 1])
    x.dispose()
    Effect.runSync(Scope.close(scope, Exit.void))
    expect(tf.memory().numTensors).toBe(before)
  })
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
