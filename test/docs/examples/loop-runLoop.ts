// The @example of runLoop in src/loop/loop.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { Effect, Layer } from "effect"
import { Data, Loop, Models, Run, Runtime, Stopping, Strategies } from "deal-active-learning"

// A toy dataset: points in [-1, 1]², of class 1 above the diagonal x + y = 0.
const data = { train: Data.halfPlane(300, 1), test: Data.halfPlane(200, 2) }
const train = { epochs: 20, batchSize: 16, learningRate: 0.05 }
const backend = Layer.merge(Runtime.Backend.layer("cpu"), Runtime.Progress.silent)

// The loop itself, every stage a service: deal's default stages, the data's labels as the oracle,
// no reporter, and a stopping rule (at most 30 labels).
const stages = Layer.mergeAll(
  Run.defaultStagesLayer({ model: Models.mlp({ hidden: 16 }), strategy: Strategies.leastConfidence, train }),
  Loop.groundTruthOracle(data.train),
  Layer.succeed(Loop.RunReporter, { report: () => Effect.void })
).pipe(Layer.provideMerge(Runtime.Rng.layer(1)))
const summary = await Effect.runPromise(
  Loop.runLoop({ data, nInitLabeled: 10, initialSelection: "random", nQuery: 10, stopping: Stopping.maxLabels(30) }).pipe(Effect.provide(stages), Effect.provide(backend))
)
assert.strictEqual(summary.stop.criterion, "max-labels")
assert.strictEqual(summary.stop.labeled, 30)
