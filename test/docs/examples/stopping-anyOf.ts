// The @example of anyOf in src/stopping/combinators.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { Stopping } from "deal-active-learning"

// The first of several criteria to fire stops the run: a budget of 100 labels, or stable predictions.
const stop = Stopping.anyOf([Stopping.maxLabels(100), Stopping.stabilizingPredictions()])
const observation = { labeled: 120, stopSet: { predictions: Int32Array.of(0, 1), confidence: Float32Array.of(1, 1), entropy: Float32Array.of(0, 0) } } as unknown as Stopping.Observation
const [, decision] = stop.step(stop.initial, observation)
assert.ok(decision._tag === "Stop" && decision.criterion === "max-labels")
