import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as tf from "@tensorflow/tfjs-core"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { runExperiment } from "../../src/run/experiment.js"
import { Progress } from "../../src/runtime/progress.js"
import { Backend } from "../../src/runtime/backend.js"

const env = Layer.merge(Backend.layer("wasm"), Progress.silent)
const spec = {
  dataset: "mnist",
  strategy: "MarginSampling",
  model: "mlp",
  nInitLabeled: 20,
  nQuery: 20,
  nRound: 4,
  seed: 3,
  nTrain: 1500,
  nTest: 400,
  epochs: 3
}
const tmp = () => mkdtempSync(join(tmpdir(), "deal-run-"))

describe("the active-learning loop", () => {
  it.effect("two runs with one seed write byte-identical results.csv", () =>
    Effect.gen(function* () {
      const [a, b] = [tmp(), tmp()]
      yield* runExperiment(spec, { out: a })
      yield* runExperiment(spec, { out: b })
      const csv = readFileSync(join(a, "results.csv"), "utf8")
      expect(readFileSync(join(b, "results.csv"), "utf8")).toBe(csv)
      expect(csv.endsWith("\n") && !csv.endsWith("\n\n")).toBe(true)
      const lines = csv.trim().split("\n")
      expect(lines[0]).toBe("round,labeled,accuracy,macro_f1,test_loss,train_loss")
      expect(lines.slice(1).map((l) => l.split(",").slice(0, 2).join(","))).toEqual(["0,20", "1,40", "2,60", "3,80", "4,100"])
      const json = JSON.parse(readFileSync(join(a, "results.json"), "utf8"))
      expect(json.stop.criterion).toBe("max-rounds")
      expect(json.rounds[0].queried).toHaveLength(20)
      expect(json.rounds[4].queried).toHaveLength(0)
      const saved = JSON.parse(readFileSync(join(a, "spec.json"), "utf8"))
      expect(saved).toMatchObject({ ...spec, batchSize: 64, learningRate: 0.001, initialSelection: "random", warmStart: false })
      // another seed gives another run
      const c = tmp()
      yield* runExperiment({ ...spec, seed: 4 }, { out: c })
      expect(readFileSync(join(c, "results.csv"), "utf8")).not.toBe(csv)
    }).pipe(Effect.provide(env))
  )

  it.effect("leaks no tensors: tf.memory().numTensors is the same after round 1 and after round N", () =>
    Effect.gen(function* () {
      const counts: Array<number> = []
      const { activeLearning } = yield* Effect.promise(() => import("../../src/run/active-learning.js"))
      const { loadMnist } = yield* Effect.promise(() => import("../../src/data/mnist.js"))
      const { subsample } = yield* Effect.promise(() => import("../../src/data/split.js"))
      const { RandomStream } = yield* Effect.promise(() => import("../../src/runtime/random.js"))
      const { galCnn } = yield* Effect.promise(() => import("../../src/models/gal-cnn.js"))
      const { entropy } = yield* Effect.promise(() => import("../../src/strategies/entropy.js"))
      const full = yield* loadMnist()
      const data = {
        train: subsample(full.train, 300, RandomStream.make(1)),
        test: subsample(full.test, 100, RandomStream.make(2))
      }
      yield* activeLearning({
        data,
        model: galCnn(),
        strategy: entropy,
        train: { epochs: 2, batchSize: 16, learningRate: 1e-3, warmStart: true },
        nInitLabeled: 10,
        nQuery: 10,
        nRound: 4,
        seed: 1,
        reporter: { report: (e) => Effect.sync(() => void (e._tag === "RoundCompleted" && counts.push(tf.memory().numTensors))) }
      })
      expect(counts).toHaveLength(5)
      expect(new Set(counts.slice(1)).size).toBe(1)
    }).pipe(Effect.provide(env))
  )

  it.effect("stops at the first budget that fires and says which", () =>
    Effect.gen(function* () {
      const dir = tmp()
      const summary = yield* runExperiment({ ...spec, nRound: 10, stopping: ["max-labels=60"] }, { out: dir })
      expect(summary.rounds.map((r) => r.labeled)).toEqual([20, 40, 60])
      expect(summary.stop).toMatchObject({ criterion: "max-labels", round: 2, labeled: 60 })
    }).pipe(Effect.provide(env))
  )

  it.effect("rejects a spec naming an unknown strategy, listing the known ones", () =>
    Effect.gen(function* () {
      const e = yield* Effect.flip(runExperiment({ ...spec, strategy: "bogus" }))
      expect(e._tag).toBe("SpecError")
      expect(e.message).toMatch(/^unknown strategy 'bogus': expected one of random, RandomSampling, /)
    }).pipe(Effect.provide(env))
  )
})

describe("a validation set", () => {
  it.effect("is split off the training data and observed every round, so validation-plateau can stop the run", () =>
    Effect.gen(function* () {
      const { readObservations } = yield* Effect.promise(() => import("../../src/run/run-files.js"))
      const dir = tmp()
      const summary = yield* runExperiment({ ...spec, nRound: 10, nValidation: 300, stopping: ["validation-plateau=1"] }, { out: dir })
      const observations = yield* readObservations(dir)
      expect(observations.every((o) => o.validation !== undefined)).toBe(true)
      // the pool shrinks by the 300 validation examples
      expect(observations[0].labeled + observations[0].unlabeled).toBe(1200)
      // validation-plateau=1 stops at the first round whose validation accuracy does not beat the best before it by 0.001
      const firstPlateau = observations.findIndex((o, r) => r > 0 && o.validation!.accuracy < Math.max(...observations.slice(0, r).map((p) => p.validation!.accuracy)) + 0.001)
      expect(summary.stop.criterion).toMatch(firstPlateau < 0 ? /^max-rounds/ : /^validation-plateau/)
      expect(summary.stop.round).toBe(firstPlateau < 0 ? 10 : firstPlateau)
    }).pipe(Effect.provide(env))
  )
})

describe("a label-free first batch (--initial typiclust | probcover | kmeans)", () => {
  it.effect("chooses the initial labels from the features, the same for one seed, and runs on from them", () =>
    Effect.gen(function* () {
      const small = { ...spec, nTrain: 600, nTest: 100, nInitLabeled: 10, nQuery: 10, nRound: 1, epochs: 1 }
      const initialOf = (dir: string) => JSON.parse(readFileSync(join(dir, "results.json"), "utf8")).rounds[0].labeled
      for (const initialSelection of ["typiclust", "probcover", "kmeans"] as const) {
        const [a, b] = [tmp(), tmp()]
        yield* runExperiment({ ...small, initialSelection }, { out: a })
        yield* runExperiment({ ...small, initialSelection }, { out: b })
        expect(readFileSync(join(a, "results.csv"), "utf8")).toBe(readFileSync(join(b, "results.csv"), "utf8"))
        expect(JSON.parse(readFileSync(join(a, "spec.json"), "utf8")).initialSelection).toBe(initialSelection)
        expect(readFileSync(join(a, "results.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(",")[1])).toEqual(["10", "20"])
        expect(initialOf(a)).toBe(10)
      }
    }).pipe(Effect.provide(env))
  )
})
