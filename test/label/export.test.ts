import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { exportRows, formatExport } from "../../src/label/export.js"
import { openLabelsLog } from "../../src/run/labels-log.js"
import { deal } from "../cli/run-deal.js"

/** A run directory whose labels log holds two annotators' answers, a skip and an undo. */
const labelled = async () => {
  const dir = mkdtempSync(join(tmpdir(), "deal-export-"))
  await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const log = yield* openLabelsLog(dir)
        yield* log.answer({ request: "1", item: "unlabeled/a, b.png", answer: { label: "cat" }, annotator: "ana" })
        yield* log.answer({ request: "2", item: "unlabeled/a, b.png", answer: { label: "dog" }, annotator: "bo" })
        yield* log.answer({ request: "3", item: "unlabeled/c.png", answer: { label: "cat" }, annotator: "ana" })
        yield* log.undo({ request: "4", annotator: "ana" })
        yield* log.answer({ request: "5", item: "unlabeled/d.png", answer: { skip: true }, annotator: "ana" })
      })
    )
  )
  return dir
}

describe("deal label export: people's answers as CSV or JSONL", () => {
  it("one row per answer that stands, both of two conflicting answers, each with the item's label by the rule", async () => {
    const dir = await labelled()
    const log = readFileSync(join(dir, "labels.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l))
    const rows = exportRows(log)
    expect(rows.map((r) => [r.item, r.label, r.answer, r.annotator, r.final_label])).toEqual([
      // cat (ana) and dog (bo) tie: the later answer, dog, is the item's label
      ["unlabeled/a, b.png", "cat", "label", "ana", "dog"],
      ["unlabeled/a, b.png", "dog", "label", "bo", "dog"],
      // c.png's answer was undone; d.png was skipped: no label
      ["unlabeled/d.png", "", "skip", "ana", ""]
    ])
    const csv = formatExport(rows, "csv").split("\n")
    expect(csv[0]).toBe("item,label,answer,annotator,time,final_label")
    expect(csv[1]).toBe(`"unlabeled/a, b.png",cat,label,ana,${rows[0].time},dog`)
  })

  it("deal label export DIR prints them, as CSV by default or as JSONL", async () => {
    const dir = await labelled()
    const csv = await deal("label", "export", dir)
    expect(csv.code).toBe(0)
    expect(csv.stdout.trim().split("\n")).toHaveLength(4)
    const jsonl = await deal("label", "export", dir, "--format", "jsonl")
    expect(jsonl.stdout.trim().split("\n").map((l) => JSON.parse(l).final_label)).toEqual(["dog", "dog", ""])
  })
})
