// The @example of Backend in src/runtime/backend.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { Effect } from "effect"
import { Runtime } from "deal-active-learning"

// The tfjs backend as a service: "auto" takes WebGPU where a GPU answers, else wasm on every core, else cpu.
const name = await Effect.runPromise(Effect.map(Runtime.Backend, (b) => b.name).pipe(Effect.provide(Runtime.Backend.layer("cpu"))))
assert.strictEqual(name, "cpu")
