// The @example of analyzeStopping in src/stopping/analysis.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { Effect, Layer } from "effect"
import { Data, Loop, Models, Run, Runtime, Stopping, Strategies } from "deal-active-learning"

// A toy dataset: points in [-1, 1]², of class 1 above the diagonal x + y = 0.
const data = { train: Data.halfPlane(300, 1), test: Data.halfPlane(200, 2) }
const train = { epochs: 20, batchSize: 16, learningRate: 0.05 }
const backend = Layer.merge(Runtime.Backend.layer("cpu"), Runtime.Progress.silent)

// Where a criterion would have stopped a finished run, from the run's observations (deal
// stop-analysis does this for a run directory).
const observations: Array<Stopping.Observation> = []
const reporter: Loop.RunReporter["Type"] = {
  report: (event) => (event._tag === "RoundCompleted" ? Effect.sync(() => observations.push(event.observation)) : Effect.void)
}
await Effect.runPromise(
  Run.activeLearning({ data, model: Models.mlp({ hidden: 16 }), strategy: Strategies.entropy, train, nInitLabeled: 10, nQuery: 10, nRound: 3, seed: 1, reporter }).pipe(
    Effect.provide(backend)
  )
)
const [budget] = Stopping.analyzeStopping(observations, [Stopping.maxLabels(20)])
assert.strictEqual(budget.criterion, "max-labels")
assert.ok(budget.fired && budget.round === 1 && budget.labels === 20 && budget.labelsSaved === 20)
