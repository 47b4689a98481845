// The @example of Oracle in src/loop/stages.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { Effect, Layer } from "effect"
import { Data, Loop, Models, Run, Runtime, Strategies } from "deal-active-learning"

// A toy dataset: points in [-1, 1]², of class 1 above the diagonal x + y = 0.
const data = { train: Data.halfPlane(300, 1), test: Data.halfPlane(200, 2) }
const train = { epochs: 20, batchSize: 16, learningRate: 0.05 }
const backend = Layer.merge(Runtime.Backend.layer("cpu"), Runtime.Progress.silent)

// An annotator of your own (here the data's labels, counting the questions).
let asked = 0
const oracle: Loop.Oracle["Type"] = { label: (indices) => Effect.sync(() => ((asked += indices.length), indices.map((i) => data.train.y[i]))) }
await Effect.runPromise(
  Run.activeLearning({ data, model: Models.mlp({ hidden: 16 }), strategy: Strategies.random, train, nInitLabeled: 10, nQuery: 5, nRound: 2, seed: 1, oracle }).pipe(
    Effect.provide(backend)
  )
)
assert.strictEqual(asked, 20)
