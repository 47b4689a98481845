// The @example of scoredStrategy in src/strategies/scoring.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { Runtime, Strategies } from "deal-active-learning"

await tf.setBackend("cpu")
// A strategy from a score over any need: the variance over MC-dropout passes, Σ_c Var_t p_tc, highest first.
const totalVariance = Strategies.scoredStrategy({
  name: "total-variance",
  rule: "highest Σ_c Var_t p_tc first",
  citation: "an example",
  direction: "highest",
  needs: ["mcProbabilities"],
  score: ({ mcProbabilities }) => tf.sum(tf.moments(mcProbabilities!, 1).variance, 1) as tf.Tensor1D
})
// candidate 10's two passes agree, 20's disagree
const mcProbabilities = tf.tensor3d([[[0.8, 0.2], [0.8, 0.2]], [[0.9, 0.1], [0.1, 0.9]]])
assert.deepStrictEqual(Array.from(totalVariance.select({ candidates: Int32Array.of(10, 20), k: 1, mcProbabilities, rng: Runtime.RandomStream.make(1) })), [20])
mcProbabilities.dispose()
