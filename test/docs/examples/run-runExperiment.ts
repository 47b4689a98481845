// The @example of runExperiment in src/run/experiment.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { Run, Runtime } from "deal-active-learning"

// The spec `deal run` writes to spec.json: a small MNIST run, one round of 20 queried by margin.
const out = join(mkdtempSync(join(tmpdir(), "deal-")), "run")
const spec = { dataset: "mnist", strategy: "margin", model: "mlp", nTrain: 500, nTest: 200, nInitLabeled: 20, nQuery: 20, nRound: 1, epochs: 2, seed: 1 }
const summary = await Effect.runPromise(Run.runExperiment(spec, { out }).pipe(Effect.provide(Layer.merge(Runtime.Backend.layer("cpu"), Runtime.Progress.silent))))
assert.deepStrictEqual(summary.rounds.map((r) => r.labeled), [20, 40])
assert.strictEqual(JSON.parse(readFileSync(join(out, "spec.json"), "utf8")).strategy, "margin")
