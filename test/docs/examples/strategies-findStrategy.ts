// The @example of findStrategy in src/strategies/catalogue.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { Strategies } from "deal-active-learning"

// A strategy by name, alias (DalMax's class names), wrapper or weighted combination, as --strategy_name takes them.
assert.strictEqual(Strategies.findStrategy("EntropySampling")?.name, "entropy")
assert.strictEqual(Strategies.findStrategy("balanced(subsample(margin, 100))")?.name, "balanced(subsample(margin,100))")
assert.deepStrictEqual(Strategies.findStrategy("entropy*0.7+bald*0.3")?.needs, ["probabilities", "mcProbabilities"])
assert.strictEqual(Strategies.findStrategy("entropi"), undefined)
