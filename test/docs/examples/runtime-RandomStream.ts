// The @example of RandomStream in src/runtime/random.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { Runtime } from "deal-active-learning"

// A seeded stream for one purpose: the same seed and path give the same draws, another path others.
const a = Runtime.RandomStream.make(1, "round", 3, "select")
const b = Runtime.RandomStream.make(1, "round", 3, "select")
assert.deepStrictEqual(Array.from(a.permutation(5)), Array.from(b.permutation(5)))
const other = Runtime.RandomStream.make(1, "round", 4, "select").sample(Int32Array.of(10, 20, 30, 40, 50), 2)
assert.strictEqual(new Set(other).size, 2)
