import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Run, Runtime } from "deal-active-learning"
import { mcTestAccuracy } from "../../examples/mc-test-accuracy.js"

describe("examples/mc-test-accuracy.ts", () => {
  it.effect("reads a run's saved model and gives its MNIST test accuracy with dropout off, as the run did, and with MC dropout", () =>
    Effect.gen(function* () {
      const out = mkdtempSync(join(tmpdir(), "deal-mc-accuracy-"))
      // The full 10,000-image test set, so the run's reported accuracy is the one to match.
      const summary = yield* Run.runExperiment(
        { dataset: "mnist", strategy: "random", model: "mlp", nTrain: 500, nInitLabeled: 100, nQuery: 10, nRound: 0, epochs: 10, seed: 1 },
        { out }
      )
      const { deterministic, mcDropout } = yield* mcTestAccuracy(join(out, "models", "round-0000"), 20, 1)
      expect(deterministic).toBe(summary.rounds[0].accuracy)
      expect(mcDropout).toBeGreaterThan(0.5)
      expect(Math.abs(mcDropout - deterministic)).toBeLessThan(0.1)
    }).pipe(Effect.provide(Layer.merge(Runtime.Backend.layer("auto"), Runtime.Progress.silent)))
  , 120_000)
})
