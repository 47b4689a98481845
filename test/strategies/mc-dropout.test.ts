import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import * as tfl from "@tensorflow/tfjs-layers"
import { Cause, Effect, Exit, Scope } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import { poolFromLabeled } from "../../src/data/pool.js"
import { layerChain, modelOutputs, NoDropoutError } from "../../src/models/forward.js"
import { galCnn } from "../../src/models/gal-cnn.js"
import { mlp } from "../../src/models/mlp.js"
import { computeNeeds, roundCandidates } from "../../src/loop/querier.js"
import { RandomStream } from "../../src/runtime/random.js"
import { tinyIndices, tiny } from "./fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

const seeds = (s: number) => {
  const r = RandomStream.make(s, "init")
  return () => r.seed()
}

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
    const a = (await run(modelOutputs(model, tiny, tinyIndices, { mc: { samples: 4, seed: 7 } }))).mcProbabilities!
    const b = (await run(modelOutputs(model, tiny, tinyIndices, { mc: { samples: 4, seed: 7 } }))).mcProbabilities!
    const c = (await run(modelOutputs(model, tiny, tinyIndices, { mc: { samples: 4, seed: 8 } }))).mcProbabilities!
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
      const cached = await run(modelOutputs(model, tiny, tinyIndices, { probabilities: true, mc: { samples: 5, seed: 3 }, batchSize: 10 }))
      expect(calls).toBe(3) // 3 batches, one prefix each, shared by the deterministic pass and 5 MC passes
      calls = 0
      const whole = await run(modelOutputs(model, tiny, tinyIndices, { probabilities: true, mc: { samples: 5, seed: 3, cachePrefix: false }, batchSize: 10 }))
      expect(calls).toBe(3 * (1 + 5))
      Array.from(whole.mcProbabilities!).forEach((v, i) => expect(cached.mcProbabilities![i]).toBeCloseTo(v, 6))
    } finally {
      first.apply = original
    }
  })

  it("computes deterministic probabilities equal to predict, and penultimate embeddings", async () => {
    const out = await run(modelOutputs(model, tiny, tinyIndices, { probabilities: true, embeddings: true }))
    const predicted = tf.tidy(() => (model.predict(tf.tensor(tiny.x, [30, 8, 8, 1])) as tf.Tensor).dataSync())
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
    const a = await run(modelOutputs(functional, tiny, tinyIndices, { embeddings: true, mc: { samples: 3, seed: 1 } }))
    const b = await run(modelOutputs(functional, tiny, tinyIndices, { embeddings: true, mc: { samples: 3, seed: 1 } }))
    expect(Array.from(a.mcProbabilities!)).toEqual(Array.from(b.mcProbabilities!))
    expect(Array.from(a.mcProbabilities!.subarray(0, 3))).not.toEqual(Array.from(a.mcProbabilities!.subarray(3, 6)))
    expect(a.embeddingSize).toBe(16)
  })

  it("refuses MC dropout on a model without dropout layers (every pass would be identical)", async () => {
    const plain = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [8, 8, 1] }), tfl.layers.dense({ units: 3, activation: "softmax" })] })
    const exit = await Effect.runPromiseExit(modelOutputs(plain, tiny, tinyIndices, { mc: { samples: 2, seed: 1 } }))
    expect(Exit.isFailure(exit) && Cause.squash(exit.cause)).toBeInstanceOf(NoDropoutError)
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
        data: tiny,
        candidates: tinyIndices.subarray(5),
        labeled: tinyIndices.subarray(0, 5),
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
