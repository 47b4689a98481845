import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { runExperiment } from "../../src/run/experiment.js"
import { Progress } from "../../src/runtime/progress.js"
import { Backend } from "../../src/runtime/backend.js"
import { makeImageFolder, numericRows, tempDir, textRows, toCsv, toJsonl } from "./fixtures.js"

const env = Layer.merge(Backend.layer("wasm"), Progress.silent)
const base = { strategy: "entropy", nInitLabeled: 6, nQuery: 6, nRound: 1, seed: 1, epochs: 2 }

const rows = (dir: string) => readFileSync(join(dir, "results.csv"), "utf8").trim().split("\n").slice(1)

describe("deal run end to end on real data beyond MNIST", () => {
  it.effect("folder: a generated folder of PNGs (gal-cnn)", () =>
    Effect.gen(function* () {
      const root = yield* Effect.promise(() => makeImageFolder(tempDir(), { train: 10, test: 4, size: 10 }))
      const out = tempDir()
      const summary = yield* runExperiment({ ...base, dataset: `folder:${root}`, model: "gal-cnn", batchSize: 8 }, { out })
      expect(summary.rounds.map((r) => r.labeled)).toEqual([6, 12])
      expect(rows(out)).toHaveLength(2)
      // the last model's test predictions, one row per test image, with its path
      const predictions = readFileSync(join(out, "predictions.csv"), "utf8").trim().split("\n")
      expect(predictions[0]).toBe("index,true_class,predicted_class,correct,id")
      expect(predictions.length - 1).toBe(summary.testPredicted.length)
      const [index, truth, predicted, correct, id] = predictions[1].split(",")
      expect(index).toBe("0")
      expect(id.startsWith(join(root, "test", truth))).toBe(true)
      expect(correct).toBe(String(truth === predicted))
    }).pipe(Effect.provide(env))
  )

  it.effect("csv: a generated CSV folder (logreg) learns the separable classes", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      writeFileSync(join(dir, "train.csv"), toCsv(numericRows(90)))
      writeFileSync(join(dir, "test.csv"), toCsv(numericRows(30, 500)))
      const summary = yield* runExperiment({ ...base, dataset: `csv:${dir}`, model: "logreg", nRound: 2, nQuery: 10, epochs: 40, learningRate: 0.05 })
      expect(summary.rounds.at(-1)!.accuracy).toBeGreaterThanOrEqual(0.7)
    }).pipe(Effect.provide(env))
  )

  it.effect("jsonl: a text column (TF-IDF + logreg, and token ids + embedding-bag)", () =>
    Effect.gen(function* () {
      const file = join(tempDir(), "reviews.jsonl")
      writeFileSync(file, toJsonl(textRows(80)))
      const spec = { ...base, dataset: `jsonl:${file}`, text: "text", nRound: 2, epochs: 20, learningRate: 0.05 }
      const tfidf = yield* runExperiment({ ...spec, model: "logreg" })
      expect(tfidf.rounds.at(-1)!.accuracy).toBeGreaterThan(0.8)
      const bag = yield* runExperiment({ ...spec, model: "embedding-bag" })
      expect(bag.rounds).toHaveLength(3)
    }).pipe(Effect.provide(env))
  )

  it.effect("fashion-mnist (subsampled, mlp)", () =>
    Effect.gen(function* () {
      const out = tempDir()
      const summary = yield* runExperiment({ ...base, dataset: "fashion-mnist", model: "mlp", nTrain: 600, nTest: 200, nInitLabeled: 50, nQuery: 50, epochs: 5 }, { out })
      expect(summary.rounds.map((r) => r.labeled)).toEqual([50, 100])
      expect(summary.rounds.at(-1)!.accuracy).toBeGreaterThan(0.3)
      expect(JSON.parse(readFileSync(join(out, "spec.json"), "utf8")).dataset).toBe("fashion-mnist")
    }).pipe(Effect.provide(env))
  )

  it.effect("spam: TF-IDF with logreg, and token ids with text-cnn", () =>
    Effect.gen(function* () {
      const spec = { ...base, dataset: "spam", nTrain: 400, nTest: 200, nInitLabeled: 40, nQuery: 40 }
      const logreg = yield* runExperiment({ ...spec, model: "logreg", epochs: 20, learningRate: 0.05 })
      expect(logreg.rounds.at(-1)!.accuracy).toBeGreaterThan(0.8)
      const cnn = yield* runExperiment({ ...spec, model: "text-cnn", vocabSize: 500, maxTokens: 64, epochs: 1, nRound: 1 })
      expect(cnn.rounds).toHaveLength(2)
    }).pipe(Effect.provide(env))
  )

  it.effect("a model that does not suit the data is a SpecError listing the ones that do", () =>
    Effect.gen(function* () {
      const e = yield* Effect.flip(runExperiment({ ...base, dataset: "spam", model: "gal-cnn" }))
      expect(e._tag).toBe("SpecError")
      expect(e.message).toBe("model 'gal-cnn' does not suit text data (spam): expected one of mlp, logreg, embedding-bag, text-cnn")
      const d = yield* Effect.flip(runExperiment({ ...base, dataset: "cifar" }))
      expect(d.message).toBe("unknown dataset 'cifar': expected one of mnist, fashion-mnist, spam, CIFAR10, folder:PATH, csv:PATH, jsonl:PATH")
    }).pipe(Effect.provide(env))
  )
})
