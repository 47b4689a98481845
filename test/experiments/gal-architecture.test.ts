import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Run, Runtime } from "deal-active-learning"
import { architectureCheck, summarize } from "../../experiments/scripts/gal-architecture.js"

describe("experiments/scripts/gal-architecture.ts", () => {
  it.effect("re-trains a run's round exactly with the run's seeds, and trains both CNNs on its labelled set and a random one", () =>
    Effect.gen(function* () {
      const out = mkdtempSync(join(tmpdir(), "deal-gal-architecture-"))
      yield* Run.runExperiment(
        {
          dataset: "mnist", strategy: "entropy", model: "gal-cnn", nTrain: 300, nTest: 200, nValidation: 20, nInitLabeled: 20,
          initialSelection: "balanced", nQuery: 10, nRound: 2, epochs: 2, batchSize: 16, weightDecay: 3.5, seed: 3
        },
        { out }
      )
      const rows = yield* architectureCheck(out, [30], 2)
      expect(rows.map((r) => `${r.set} ${r.model} ${r.repeat}`)).toEqual([
        "run gal-cnn 0", "run gal-cnn 1", "run gal-cnn-keras 0", "run gal-cnn-keras 1",
        "random gal-cnn 0", "random gal-cnn 1", "random gal-cnn-keras 0", "random gal-cnn-keras 1"
      ])
      // Round 1 of the run (30 labels), trained again from its seeds: the same test accuracy.
      const round1 = readFileSync(join(out, "results.csv"), "utf8").trim().split("\n")[2].split(",")
      expect(round1[1]).toBe("30")
      expect(rows[0].accuracy).toBe(Number(round1[2]))
      // Every accuracy is a count of the run's 200 test images.
      for (const r of rows) expect(Math.abs(r.accuracy * 200 - Math.round(r.accuracy * 200))).toBeLessThan(1e-9)
      // Repeat 1 draws other seeds than the run's.
      expect(rows.filter((r) => r.repeat === 1).map((r) => r.accuracy)).not.toEqual(rows.filter((r) => r.repeat === 0).map((r) => r.accuracy))
      expect(summarize(rows).numRows()).toBe(4)
      expect(rows[0].weightDecay).toBe(3.5)
      // A variant NAME@c trains with weight decay c instead of the run's.
      // … and with mcSamples it also scores the mean of that many MC-dropout passes.
      const none = yield* architectureCheck(out, [30], 1, ["gal-cnn@0"], { mcSamples: 3 })
      expect(none.map((r) => [r.set, r.model, r.weightDecay])).toEqual([["run", "gal-cnn", 0], ["random", "gal-cnn", 0]])
      for (const r of none) expect(Math.abs(r.mcAccuracy! * 200 - Math.round(r.mcAccuracy! * 200))).toBeLessThan(1e-9)
      expect(rows[0].mcAccuracy).toBeUndefined()
      expect(summarize(none).columnNames()).toContain("mc_mean")
    }).pipe(Effect.provide(Layer.merge(Runtime.Backend.layer("auto"), Runtime.Progress.silent)))
  , 120_000)
})
