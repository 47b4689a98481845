// The @example of RunReporter in src/loop/events.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { Effect, Layer } from "effect"
import { Data, Loop, Models, Run, Runtime, Strategies } from "deal-active-learning"

// A toy dataset: points in [-1, 1]², of class 1 above the diagonal x + y = 0.
const data = { train: Data.halfPlane(300, 1), test: Data.halfPlane(200, 2) }
const train = { epochs: 20, batchSize: 16, learningRate: 0.05 }
const backend = Layer.merge(Runtime.Backend.layer("cpu"), Runtime.Progress.silent)

// Where the loop's events go besides the run directory: here, each round's accuracy.
const accuracies: Array<number> = []
const reporter: Loop.RunReporter["Type"] = {
  report: (event) => (event._tag === "RoundCompleted" ? Effect.sync(() => accuracies.push(event.result.accuracy)) : Effect.void)
}
await Effect.runPromise(
  Run.activeLearning({ data, model: Models.mlp({ hidden: 16 }), strategy: Strategies.entropy, train, nInitLabeled: 10, nQuery: 10, nRound: 2, seed: 1, reporter }).pipe(
    Effect.provide(backend)
  )
)
assert.strictEqual(accuracies.length, 3)
