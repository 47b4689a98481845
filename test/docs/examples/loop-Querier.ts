// The @example of Querier in src/loop/stages.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { Effect, Layer } from "effect"
import { Data, Loop, Models, Run, Runtime, Strategies } from "deal-active-learning"

// A toy dataset: points in [-1, 1]², of class 1 above the diagonal x + y = 0.
const data = { train: Data.halfPlane(300, 1), test: Data.halfPlane(200, 2) }
const train = { epochs: 20, batchSize: 16, learningRate: 0.05 }
const backend = Layer.merge(Runtime.Backend.layer("cpu"), Runtime.Progress.silent)
// A querier of your own: deal's, for the margin strategy, wrapped to note how many examples each round's pool still holds.
const unlabelled: Array<number> = []
const querier = Layer.effect(
  Loop.Querier,
  Effect.map(Loop.Querier, (inner) => ({ ...inner, query: (input: Parameters<typeof inner.query>[0]) => (unlabelled.push(Data.unlabeledIndices(input.pool).length), inner.query(input)) }))
).pipe(Layer.provide(Loop.strategyQuerier(Strategies.margin)))
await Effect.runPromise(
  Run.activeLearning({ data, model: Models.mlp({ hidden: 16 }), strategy: Strategies.random, train, nInitLabeled: 10, nQuery: 10, nRound: 2, seed: 1, stages: { querier } }).pipe(
    Effect.provide(backend)
  )
)
assert.deepStrictEqual(unlabelled, [290, 280])
