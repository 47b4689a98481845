// The @example of Observer in src/loop/stages.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { Effect, Layer } from "effect"
import { Data, Loop, Models, Run, Runtime, Strategies } from "deal-active-learning"

// A toy dataset: points in [-1, 1]², of class 1 above the diagonal x + y = 0.
const data = { train: Data.halfPlane(300, 1), test: Data.halfPlane(200, 2) }
const train = { epochs: 20, batchSize: 16, learningRate: 0.05 }
const backend = Layer.merge(Runtime.Backend.layer("cpu"), Runtime.Progress.silent)
// An observer of your own: deal's, wrapped to note the stop set it predicts (a seeded sample of the initial unlabelled pool, here all 290).
const stopSets: Array<number> = []
const observer = Layer.effect(
  Loop.Observer,
  Effect.map(Loop.Observer, (inner) => ({ observe: (input: Parameters<typeof inner.observe>[0]) => (stopSets.push(input.stopSet.length), inner.observe(input)) }))
).pipe(Layer.provide(Loop.stopSetObserver))
await Effect.runPromise(
  Run.activeLearning({ data, model: Models.mlp({ hidden: 16 }), strategy: Strategies.entropy, train, nInitLabeled: 10, nQuery: 10, nRound: 2, seed: 1, stages: { observer } }).pipe(
    Effect.provide(backend)
  )
)
assert.deepStrictEqual(stopSets, [290, 290, 290])
