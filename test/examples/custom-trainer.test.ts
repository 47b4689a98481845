import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { main } from "../../examples/custom-trainer.js"

describe("examples/custom-trainer.ts", () => {
  it.effect("replaces deal's Trainer with the user's Layer: the same 20 steps of 32 each round, so fewer epochs as labels grow", () =>
    Effect.gen(function* () {
      const out = mkdtempSync(join(tmpdir(), "deal-trainer-"))
      const { summary, epochsUsed } = yield* main(out)
      expect(summary.rounds.map((r) => r.labeled)).toEqual([40, 80, 120, 160])
      // ceil(20 × 32 / labels): 16, 8, 6 and 4 epochs
      expect(epochsUsed).toEqual([16, 8, 6, 4])
      expect(readFileSync(join(out, "results.csv"), "utf8").trim().split("\n")).toHaveLength(5)
      expect(summary.rounds[3].accuracy).toBeGreaterThan(summary.rounds[0].accuracy)
    })
  )
})
