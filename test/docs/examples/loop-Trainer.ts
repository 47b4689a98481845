// The @example of Trainer in src/loop/stages.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { Effect, Layer } from "effect"
import { Data, Loop, Models, Run, Runtime, Strategies } from "deal-active-learning"

// A toy dataset: points in [-1, 1]², of class 1 above the diagonal x + y = 0.
const data = { train: Data.halfPlane(300, 1), test: Data.halfPlane(200, 2) }
const train = { epochs: 20, batchSize: 16, learningRate: 0.05 }
const backend = Layer.merge(Runtime.Backend.layer("cpu"), Runtime.Progress.silent)

// A stage of your own: deal's trainer, wrapped to note the rounds it trains.
const rounds: Array<number> = []
const trainer = Layer.effect(
  Loop.Trainer,
  Effect.map(Loop.Trainer, (inner) => ({ train: (input: Parameters<typeof inner.train>[0]) => (rounds.push(input.round), inner.train(input)) }))
).pipe(Layer.provide(Loop.modelTrainer(Models.mlp({ hidden: 16 }), train)))
await Effect.runPromise(
  Run.activeLearning({ data, model: Models.mlp(), strategy: Strategies.margin, train, nInitLabeled: 10, nQuery: 10, nRound: 2, seed: 1, stages: { trainer } }).pipe(
    Effect.provide(backend)
  )
)
assert.deepStrictEqual(rounds, [0, 1, 2])
