// The @example of strategyLaws in src/testing/index.ts (written by npm run docs; edit it there).
import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { Strategies } from "deal-active-learning"
import { strategyLaws } from "deal-active-learning/testing"

await tf.setBackend("cpu")
// The invariants deal's catalogue is tested with, for a strategy of your own: each law's check
// throws fast-check's counterexample when it fails (in a test file: it(law.name, law.check)).
const leastSure = Strategies.scoringStrategy({
  name: "least-sure",
  rule: "lowest max-probability first",
  citation: "an example",
  direction: "lowest",
  score: (p) => tf.max(p, 1) as tf.Tensor1D
})
for (const law of strategyLaws(leastSure, { numRuns: 10 })) law.check()
