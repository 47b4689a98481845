// The @example of scoringStrategy in src/strategies/scoring.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { Runtime, Strategies } from "deal-active-learning"

await tf.setBackend("cpu")
// A strategy from a score over class probabilities [candidates × C]: the smallest max-probability first.
const unsure = Strategies.scoringStrategy({
  name: "unsure",
  rule: "lowest max-probability first",
  citation: "an example",
  direction: "lowest",
  score: (p) => tf.max(p, 1) as tf.Tensor1D
})
const probabilities = tf.tensor2d([[0.9, 0.1], [0.55, 0.45], [0.7, 0.3]])
const picked = unsure.select({ candidates: Int32Array.of(10, 20, 30), k: 2, probabilities, rng: Runtime.RandomStream.make(1) })
assert.deepStrictEqual(Array.from(picked), [20, 30])
probabilities.dispose()
