// The @example of activeLearning in src/run/active-learning.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { Effect, Layer } from "effect"
import { Data, Models, Run, Runtime, Strategies } from "deal-active-learning"

// A toy dataset: points in [-1, 1]², of class 1 above the diagonal x + y = 0.
const data = { train: Data.halfPlane(300, 1), test: Data.halfPlane(200, 2) }
const train = { epochs: 20, batchSize: 16, learningRate: 0.05 }
const backend = Layer.merge(Runtime.Backend.layer("cpu"), Runtime.Progress.silent)

// 10 labels, then 3 rounds of 10 queried by entropy; nothing is written without `out`.
const summary = await Effect.runPromise(
  Run.activeLearning({ data, model: Models.mlp({ hidden: 16 }), strategy: Strategies.entropy, train, nInitLabeled: 10, nQuery: 10, nRound: 3, seed: 1 }).pipe(
    Effect.provide(backend)
  )
)
assert.deepStrictEqual(summary.rounds.map((r) => r.labeled), [10, 20, 30, 40])
assert.ok(summary.rounds[3].accuracy > 0.8)
