// The @example of Evaluator in src/loop/stages.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { Effect, Layer } from "effect"
import { Data, Loop, Models, Run, Runtime, Strategies } from "deal-active-learning"

// A toy dataset: points in [-1, 1]², of class 1 above the diagonal x + y = 0.
const data = { train: Data.halfPlane(300, 1), test: Data.halfPlane(200, 2) }
const train = { epochs: 20, batchSize: 16, learningRate: 0.05 }
const backend = Layer.merge(Runtime.Backend.layer("cpu"), Runtime.Progress.silent)
// An evaluator of your own: deal's, wrapped to note the size of each set it measures (here the test set, each round).
const measured: Array<number> = []
const evaluator = Layer.effect(
  Loop.Evaluator,
  Effect.map(Loop.Evaluator, (inner) => ({ evaluate: (model: Parameters<typeof inner.evaluate>[0], set: Data.Dataset) => (measured.push(Data.size(set)), inner.evaluate(model, set)) }))
).pipe(Layer.provide(Loop.modelEvaluator))
await Effect.runPromise(
  Run.activeLearning({ data, model: Models.mlp({ hidden: 16 }), strategy: Strategies.entropy, train, nInitLabeled: 10, nQuery: 10, nRound: 2, seed: 1, stages: { evaluator } }).pipe(
    Effect.provide(backend)
  )
)
assert.deepStrictEqual(measured, [200, 200, 200])
