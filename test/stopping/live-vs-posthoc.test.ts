import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { runExperiment } from "../../src/run/experiment.js"
import { Progress } from "../../src/runtime/progress.js"
import { stopAnalysis } from "../../src/run/stop-analysis.js"
import { Backend } from "../../src/runtime/backend.js"

const env = Layer.merge(Backend.layer("wasm"), Progress.silent)
const spec = { dataset: "mnist", strategy: "entropy", model: "mlp", nInitLabeled: 20, nQuery: 20, nRound: 8, seed: 2, nTrain: 1500, nTest: 300, epochs: 2 }
// Thresholds loose enough to fire within 8 rounds of a tiny run.
const criteria = [
  "stabilizing-predictions=0.5",
  "classification-change=0.3",
  "selected-accuracy=0.3",
  "overall-uncertainty=0.9",
  "min-expected-error=0.6",
  "changing-confidence=1",
  "max-labels=100"
]

describe("post-hoc stopping analysis", () => {
  it.effect("stops each criterion where the live loop stops with it alone", () =>
    Effect.gen(function* () {
      const full = mkdtempSync(join(tmpdir(), "deal-stop-"))
      yield* runExperiment(spec, { out: full })
      const points = yield* stopAnalysis(full, { criteria })
      const fired = points.filter((p) => p.fired && !p.criterion.startsWith("("))
      expect(fired.length).toBeGreaterThanOrEqual(3)
      for (const [i, name] of criteria.entries()) {
        const offline = points[i]
        const live = yield* runExperiment({ ...spec, stopping: [name] })
        if (offline.fired) {
          expect(live.stop).toMatchObject({ criterion: offline.criterion, round: offline.round, labeled: offline.labels })
        } else {
          expect(live.stop.criterion).toBe("max-rounds")
        }
      }
      // the files a user reads
      const csv = readFileSync(join(full, "stopping.csv"), "utf8").trim().split("\n")
      expect(csv[0]).toBe("criterion,fired,round,labels,accuracy,macro_f1,labels_saved,accuracy_change,cost,reason")
      expect(csv).toHaveLength(criteria.length + 4)
      const svg = readFileSync(join(full, "stopping.svg"), "utf8")
      expect(svg.startsWith("<svg")).toBe(true)
      expect(svg).toContain("labels acquired")
      expect(svg).toContain("test accuracy")
      expect(svg).toContain(fired[0].criterion)
    }).pipe(Effect.provide(env))
  )

  it.effect("a missing or corrupt observations file is a DataError naming the file and line", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "deal-stop-bad-"))
      const missing = yield* Effect.flip(stopAnalysis(dir))
      expect(missing._tag).toBe("DataError")
      expect(missing.message).toBe("no observations.jsonl: the run has not completed a round yet")
      const { writeFileSync } = yield* Effect.promise(() => import("node:fs"))
      writeFileSync(join(dir, "observations.jsonl"), '{"round": 0}\n')
      const bad = yield* Effect.flip(stopAnalysis(dir))
      expect(bad).toMatchObject({ _tag: "DataError", file: join(dir, "observations.jsonl") })
      expect(bad.message).toMatch(/^line 1: not an observation: labeled: is missing/)
      expect(bad.message).not.toContain("\n")
    }).pipe(Effect.provide(env))
  )
})
