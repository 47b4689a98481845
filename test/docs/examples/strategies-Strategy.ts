// The @example of Strategy in src/strategies/strategy.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { Runtime, type Strategies } from "deal-active-learning"

// A strategy is its name, its doc, what it needs, and a selection: here the first k candidates
// in a seeded random order (what `random` does), needing nothing.
const shuffled: Strategies.Strategy = {
  name: "shuffled",
  aliases: [],
  doc: { rule: "k candidates in a seeded random order", citation: "an example", direction: "no order" },
  needs: [],
  select: ({ candidates, k, rng }) => rng.permutation(candidates.length).slice(0, Math.min(k, candidates.length)).map((p) => candidates[p])
}
const picked = shuffled.select({ candidates: Int32Array.of(10, 20, 30, 40), k: 2, rng: Runtime.RandomStream.make(7) })
assert.strictEqual(new Set(picked).size, 2)
