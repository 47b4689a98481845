// Every @example in src/ runs: each is a module in test/docs/examples/ (npm run docs writes them
// from the doc comments; npm test type-checks them), imported here, which runs it; an example
// checks what it shows with node:assert. The entry points a user starts from each carry one.
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { docExamples, examplesDir } from "../../scripts/doc-examples.mjs"

const root = join(import.meta.dirname, "../..")
const examples = docExamples(root) as ReadonlyArray<{ readonly file: string; readonly text: string }>

describe("the @examples of the API", () => {
  it("are the modules of test/docs/examples, as npm run docs writes them", () => {
    const committed = readdirSync(join(root, examplesDir)).sort()
    expect(committed, "run npm run docs").toEqual(examples.map((e) => e.file).sort())
    for (const { file, text } of examples) expect(readFileSync(join(root, examplesDir, file), "utf8"), `${file} is stale: run npm run docs`).toBe(text)
  })

  it("cover the entry points a user starts from", () => {
    const entryPoints = [
      "run-activeLearning", "run-runExperiment", "loop-Trainer", "loop-Evaluator", "loop-Observer", "loop-Querier", "loop-Oracle", "loop-RunReporter", "loop-runLoop",
      "strategies-Strategy", "strategies-scoringStrategy", "strategies-scoredStrategy", "strategies-findStrategy",
      "stopping-criterionFamily", "stopping-anyOf", "stopping-parseStopping", "stopping-analyzeStopping",
      "data-loadMnist", "data-loadTable", "data-loadDataset", "testing-strategyLaws", "runtime-RandomStream", "runtime-Backend"
    ]
    const have = new Set(examples.map((e) => e.file.replace(/\.ts$/, "")))
    expect(entryPoints.filter((e) => !have.has(e))).toEqual([])
  })

  it.each(examples.map((e) => [e.file] as const))("%s runs", async (file) => {
    await import(join(root, examplesDir, file))
  })
})
