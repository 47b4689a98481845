import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { main } from "../../examples/custom-pipeline.js"

describe("examples/custom-pipeline.ts", () => {
  it.effect("runs a user's model, strategy and oracle through deal's loop and writes the run directory", () =>
    Effect.gen(function* () {
      const out = mkdtempSync(join(tmpdir(), "deal-example-"))
      const { summary, asked } = yield* main(out)
      expect(summary.rounds.map((r) => r.labeled)).toEqual([20, 40, 60, 80])
      expect(asked).toBe(80)
      expect(JSON.parse(readFileSync(join(out, "spec.json"), "utf8")).strategy).toBe("top-two-ratio")
      expect(readFileSync(join(out, "results.csv"), "utf8").trim().split("\n")).toHaveLength(5)
      // 20 → 80 labels of a linear model on MNIST: accuracy rises
      expect(summary.rounds[3].accuracy).toBeGreaterThan(summary.rounds[0].accuracy)
    })
  )
})

describe("docs/library.md", () => {
  it("quotes examples/custom-pipeline.ts as it is", () => {
    const readme = readFileSync("docs/library.md", "utf8")
    expect(readme).toContain(readFileSync("examples/custom-pipeline.ts", "utf8").trimEnd())
  })
})
