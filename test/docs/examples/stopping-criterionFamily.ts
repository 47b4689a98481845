// The @example of criterionFamily in src/stopping/criterion.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { Stopping } from "deal-active-learning"

// A stopping rule with a parameter: stop once the stop set's mean confidence reaches `level`.
const confident = Stopping.criterionFamily(
  "confident",
  { citation: "an example", rule: "mean stop-set confidence ≥ 0.95", direction: "stops when confidence is high" },
  { level: 0.95 },
  ({ level }, name) => ({
    name,
    initial: null,
    step: (state: null, o) => {
      const mean = o.stopSet.confidence.reduce((a, b) => a + b, 0) / o.stopSet.confidence.length
      return [state, mean >= level ? Stopping.Stop(name, `mean confidence ${mean.toFixed(3)} ≥ ${level}`) : Stopping.Continue]
    }
  })
)
const criterion = confident({ level: 0.9 })
assert.strictEqual(criterion.name, "confident=0.9")
const observation = (confidence: Array<number>) => ({ stopSet: { confidence: Float32Array.from(confidence) } }) as unknown as Stopping.Observation
assert.strictEqual(criterion.step(null, observation([0.8, 0.9]))[1]._tag, "Continue")
assert.strictEqual(criterion.step(null, observation([0.95, 0.9]))[1]._tag, "Stop")
