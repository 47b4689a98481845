/**
 * The webgpu backend on whatever adapter Dawn offers: in CI, Mesa's llvmpipe through Dawn's
 * OpenGL backend (`.ci/run` installs it). Skipped, saying why, where no adapter exists.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import * as tf from "@tensorflow/tfjs-core"
import type * as tfl from "@tensorflow/tfjs-layers"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import type { Dataset } from "../../src/data/dataset.js"
import { loadMnist } from "../../src/data/mnist.js"
import { subsample } from "../../src/data/split.js"
import { Progress } from "../../src/runtime/progress.js"
import { modelCatalogue } from "../../src/models/catalogue.js"
import { modelOutputs } from "../../src/models/forward.js"
import { galCnn } from "../../src/models/gal-cnn.js"
import { fitModel } from "../../src/models/train.js"
import { activeLearning } from "../../src/run/active-learning.js"
import { runExperiment } from "../../src/run/experiment.js"
import { Backend, initBackend } from "../../src/runtime/backend.js"
import { forwardBatchSize, tensorByteLimit } from "../../src/runtime/batch-size.js"
import { RandomStream } from "../../src/runtime/random.js"
import { adapterLine, startWebgpu } from "../../src/runtime/webgpu.js"
import { entropy } from "../../src/strategies/entropy.js"
import { strategyCatalogue } from "../../src/strategies/catalogue.js"
import { noiseDataset } from "./noise-dataset.js"

const start = await startWebgpu(true)
/** The adapter in the words deal prints and records. */
const adapter = start.ok ? adapterLine(start.adapter) : undefined
if (start.ok) console.log(`webgpu tests on ${adapter}`)
else console.log(`skipping the webgpu tests: ${start.reason}`)

const env = Layer.merge(Backend.layer("webgpu"), Progress.silent)

const noise = (n: number, shape: ReadonlyArray<number>, tokens?: number) => noiseDataset({ n, shape, seed: 5, tokens })

const onBackend = async <T>(name: "cpu" | "webgpu", f: () => T): Promise<T> => {
  await tf.setBackend(name)
  return f()
}

const relativeError = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let diff = 0
  let scale = 1e-12
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]))
    scale = Math.max(scale, Math.abs(b[i]))
  }
  return diff / scale
}

/** The loss gradient of every trainable weight of `model` on `ds`'s first 8 examples (dropout on, seeded). */
const lossGradients = (model: tfl.LayersModel, ds: Dataset): Array<Float32Array> =>
  tf.tidy(() => {
    const x = tf.tensor(ds.x.subarray(0, 8 * ds.shape.reduce((a, b) => a * b, 1)), [8, ...ds.shape])
    const y = tf.oneHot(tf.tensor1d(ds.y.subarray(0, 8), "int32"), 10)
    const { grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(y, tf.log(tf.add(model.apply(x, { training: false }) as tf.Tensor, 1e-7))) as tf.Scalar,
      model.trainableWeights.map((w) => w.read() as tf.Variable)
    )
    return Object.values(grads).map((g) => g.dataSync() as Float32Array)
  })

describe.skipIf(!start.ok)("the webgpu backend", () => {
  it("gives every model's loss gradients as the cpu backend does (relative error < 1e-4)", async () => {
    const cases: Array<[string, Dataset, object]> = [
      ["gal-cnn", noise(8, [28, 28, 1]), {}],
      ["mlp", noise(8, [28, 28, 1]), {}],
      ["embedding-bag", noise(8, [20], 50), { vocabularySize: 50 }],
      ["text-cnn", noise(8, [20], 50), { vocabularySize: 50 }]
    ]
    for (const [name, ds, options] of cases) {
      const entry = modelCatalogue[name]
      if (entry === undefined) continue
      const r = RandomStream.make(1)
      const model = await onBackend("cpu", () => entry.make(options)({ inputShape: ds.shape, numClasses: 10, seed: () => r.seed(), trainingSize: 8 }))
      const cpu = await onBackend("cpu", () => lossGradients(model, ds))
      const gpu = await onBackend("webgpu", () => lossGradients(model, ds))
      expect(gpu.length, name).toBe(cpu.length)
      gpu.forEach((g, i) => expect(relativeError(g, cpu[i]), `${name}, weight ${i}`).toBeLessThan(1e-4))
      model.dispose()
    }
  })

  it("gives the cached-prefix MC-dropout samples as the cpu backend does", async () => {
    const ds = noise(40, [28, 28, 1])
    const r = RandomStream.make(2)
    const model = await onBackend("cpu", () => galCnn()({ inputShape: ds.shape, numClasses: 10, seed: () => r.seed() }))
    const indices = Int32Array.from({ length: 40 }, (_, i) => i)
    const request = { probabilities: true, mc: { samples: 5, seed: 9 }, batchSize: 16 }
    const cpu = await onBackend("cpu", () => Effect.runPromise(modelOutputs(model, ds, indices, request)))
    const gpu = await onBackend("webgpu", () => Effect.runPromise(modelOutputs(model, ds, indices, request)))
    expect(gpu.mcProbabilities).toHaveLength(40 * 5 * 10)
    expect(relativeError(gpu.mcProbabilities!, cpu.mcProbabilities!)).toBeLessThan(1e-4)
    expect(relativeError(gpu.probabilities!, cpu.probabilities!)).toBeLessThan(1e-4)
    // the passes differ from one another: dropout was on
    expect(relativeError(gpu.mcProbabilities!.subarray(0, 10), gpu.mcProbabilities!.subarray(10, 20))).toBeGreaterThan(1e-3)
    model.dispose()
  })

  it("sizes forward batches to the adapter's largest storage buffer", async () => {
    await Effect.runPromise(initBackend("webgpu"))
    const limit = tensorByteLimit()!
    expect(limit).toBeGreaterThan(0)
    const r = RandomStream.make(1)
    const model = galCnn()({ inputShape: [28, 28, 1], numClasses: 10, seed: () => r.seed() })
    // the Gal CNN's largest activation: 25 × 25 × 32 floats per image (first convolution)
    expect(forwardBatchSize(model)).toBe(Math.min(2048, Math.floor(limit / (4 * 25 * 25 * 32))))
    model.dispose()
  })

  it("refuses a tensor bigger than the adapter's largest storage binding, in words, instead of returning garbage", async () => {
    await Effect.runPromise(initBackend("webgpu"))
    const floats = Math.floor(tensorByteLimit()! / 4) + 1024
    expect(() => tf.tidy(() => tf.sum(tf.fill([floats], 1)).dataSync())).toThrow(/bigger than this adapter's largest storage binding/)
    // and the backend goes on working
    expect(tf.tidy(() => tf.sum(tf.fill([1000], 1)).dataSync()[0])).toBe(1000)
  })

  it("trains to the same weights, bit for bit, from the same seed on the same adapter", async () => {
    await Effect.runPromise(initBackend("webgpu"))
    const ds = noise(64, [28, 28, 1])
    const train = async () => {
      const r = RandomStream.make(3)
      const model = galCnn()({ inputShape: ds.shape, numClasses: 10, seed: () => r.seed() })
      await Effect.runPromise(fitModel(model, ds, Int32Array.from(ds.y.keys()), ds.y, { epochs: 1, batchSize: 32, learningRate: 1e-3 }, RandomStream.make(3, "train")))
      const weights = model.getWeights().map((w) => Buffer.from((w.dataSync() as Float32Array).buffer))
      model.dispose()
      return weights
    }
    const [a, b] = [await train(), await train()]
    a.forEach((w, i) => expect(w.equals(b[i])).toBe(true))
  })

  it.effect("runs AL rounds of the Gal CNN with tf.memory() flat from round 1 on", () =>
    Effect.gen(function* () {
      const full = yield* loadMnist()
      const data = { train: subsample(full.train, 120, RandomStream.make(1)), test: subsample(full.test, 60, RandomStream.make(2)) }
      const counts: Array<number> = []
      const summary = yield* activeLearning({
        data,
        model: galCnn(),
        strategy: entropy,
        train: { epochs: 1, batchSize: 16, learningRate: 1e-3, warmStart: true },
        nInitLabeled: 10,
        nQuery: 10,
        nRound: 3,
        seed: 1,
        reporter: { report: (e) => Effect.sync(() => void (e._tag === "RoundCompleted" && counts.push(tf.memory().numTensors))) }
      })
      expect(summary.rounds.map((r) => r.labeled)).toEqual([10, 20, 30, 40])
      expect(tf.getBackend()).toBe("webgpu")
      expect(new Set(counts.slice(1)).size).toBe(1)
    }).pipe(Effect.provide(env))
  )

  it("runs `deal run --backend webgpu` from the command line, naming the adapter and recording it", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "deal-webgpu-")), "run")
    const { stderr } = await promisify(execFile)(
      "node",
      ["bin/deal.js", "run", "--backend", "webgpu", "--dataset_name", "mnist", "--model", "mlp", "--n_train", "300", "--n_test", "100",
        "--n_init_labeled", "20", "--n_query", "10", "--n_round", "1", "--epochs", "1", "--seed", "1", "--out", out],
      { encoding: "utf8" }
    )
    expect(stderr).toContain(`deal: backend webgpu: ${adapter}`)
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as { rounds: Array<{ backend: string }> }
    expect(results.rounds.map((r) => r.backend)).toEqual(["webgpu", "webgpu"])
    const checkpoint = JSON.parse(readFileSync(join(out, "checkpoint.json"), "utf8")) as { compute: { backend: string; device: string } }
    expect(checkpoint.compute).toMatchObject({ backend: "webgpu", device: adapter })
  })

  // `deal run --backend webgpu --strategy_name NAME` for one strategy of each set of needs (the
  // adversarial attacks, MC dropout, BADGE's and BAIT's gradient embeddings, …), which is what
  // the backend computes for a strategy: one round on a tiny MNIST subsample. Every strategy runs
  // end to end on wasm in test/strategies/catalogue-e2e.test.ts.
  const oneOfEachNeeds = strategyCatalogue.filter((s, i) => strategyCatalogue.findIndex((t) => [...t.needs].sort().join() === [...s.needs].sort().join()) === i)
  for (const strategy of oneOfEachNeeds) {
    it.effect(`runs ${strategy.name}`, () =>
      Effect.gen(function* () {
        const summary = yield* runExperiment({
          dataset: "mnist",
          strategy: strategy.name,
          model: "mlp",
          nInitLabeled: 20,
          nQuery: 5,
          nRound: 1,
          seed: 1,
          nTrain: 120,
          nTest: 50,
          epochs: 1,
          mcSamples: 3,
          poolSubset: 60
        })
        expect(new Set(summary.rounds[0].queried).size).toBe(5)
        expect(summary.rounds[1].labeled).toBe(25)
      }).pipe(Effect.provide(env))
    )
  }
})
