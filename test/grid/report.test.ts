import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { gridReport } from "../../src/grid/report.js"

/** A grid directory written by hand: `grid.json` and each run's `results.json` (b/seed-2 has none). */
const gridDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "deal-report-"))
  const runs = [1, 2].flatMap((seed) => ["a", "b"].map((strategy) => ({ strategy, seed, dir: `${strategy}/seed-${seed}`, spec: { strategy, seed } })))
  const grid = {
    name: "hand",
    description: "runs `deal report` on <hand-made> results & nothing else",
    profile: "quick",
    profileAbout: "a check in seconds",
    profileChanges: { nRound: 2 },
    strategies: ["a", "b"],
    seeds: [1, 2],
    base: { nInitLabeled: 10 },
    report: { targets: [0.7], paper: { source: "a table", unit: "acquired", reach: { a: { name: "A | the paper's", labels: { "0.7": 5 } } } } },
    runs
  }
  writeFileSync(join(dir, "grid.json"), JSON.stringify(grid))
  const curves: Record<string, ReadonlyArray<number>> = { "a/seed-1": [0.5, 0.7, 0.8], "a/seed-2": [0.7, 0.8, 0.9], "b/seed-1": [0.5, 0.6, 0.75] }
  for (const [run, accuracies] of Object.entries(curves)) {
    mkdirSync(join(dir, run), { recursive: true })
    const rounds = accuracies.map((accuracy, i) => ({
      round: i,
      labeled: 10 + 10 * i,
      accuracy,
      macroF1: accuracy,
      testLoss: 1,
      trainLoss: 1,
      trainSeconds: 1,
      scoreSeconds: 2,
      selectSeconds: 3,
      queried: []
    }))
    const stop = { criterion: "max-rounds", reason: "budget", round: 2, labeled: 30 }
    writeFileSync(join(dir, run, "results.json"), JSON.stringify({ formatVersion: 1, spec: {}, stop, rounds }))
  }
  return dir
}

describe("gridReport", () => {
  it("names a run's results.json that is not one (truncated), rather than leaving the run out", async () => {
    const dir = gridDir()
    writeFileSync(join(dir, "a", "seed-1", "results.json"), '{"formatVersion": 1, "spec": {}, "stop": nu')
    const e = await Effect.runPromise(Effect.flip(gridReport(dir)))
    expect(e).toMatchObject({ _tag: "DataError", file: join(dir, "a", "seed-1", "results.json") })
    expect(e.message).toMatch(/^not valid JSON \(.*\): expected a file written by deal/)
  })

  it("writes the summary, curves and one document as Markdown and HTML that agree", async () => {
    const dir = gridDir()
    const report = await Effect.runPromise(gridReport(dir))
    expect(report.files.map((f) => f.slice(dir.length + 1))).toEqual(
      ["curves.svg", "curves.vl.json", "curves.csv", "summary.csv", "summary.md", "index.html"].map((f) => `report/${f}`)
    )
    expect(report.missing).toEqual(["b/seed-2"])
    expect(report.strategies.map((s) => [s.strategy, s.seeds])).toEqual([["a", 2], ["b", 1]])
    expect(report.stopping).toBeUndefined()

    const md = readFileSync(join(dir, "report", "summary.md"), "utf8")
    const html = readFileSync(join(dir, "report", "index.html"), "utf8")
    expect(md.startsWith("# hand (profile quick): deal report\n\nruns `deal report` on <hand-made> results & nothing else\n\nThese runs are the profile quick, not the protocol above: a check in seconds. It changes nRound 2.\n\n3 runs: 2 strategies × seeds 1, 2; 10 → 30 labels.\n")).toBe(true)
    expect(md).toContain("| a | A \\| the paper's | 10 | 5 ± 7 (10, 0) | 5 |")
    expect(md).toContain("- Missing or empty runs (not in the report): b/seed-2.")
    expect(html).toContain("<p>runs <code>deal report</code> on &lt;hand-made&gt; results &amp; nothing else</p>")
    expect(html).toContain("<td>A | the paper's</td>")
    expect(html).toContain("<figure><svg")
    // the same headings, in the same order
    const unescape = (s: string) => s.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&amp;", "&")
    const mdHeadings = [...md.matchAll(/^#+ (.*)$/gm)].map((m) => m[1])
    expect(mdHeadings).toEqual([
      "hand (profile quick): deal report",
      "Accuracy and area under the budget curve (mean ± std over seeds)",
      "Acquired labels to first reach a test accuracy, ours beside the paper's",
      "Time: training, scoring and selection",
      "Notes"
    ])
    expect([...html.matchAll(/<h\d>(.*?)<\/h\d>/g)].map((m) => unescape(m[1]))).toEqual(mdHeadings)
  })
})
