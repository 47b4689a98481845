import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { loadTable } from "../../src/data/table.js"
import { tempDir } from "./fixtures.js"

const texts = [
  { id: "m1", text: "cheap pills buy now" },
  { id: "m2", text: "meeting notes for monday" },
  { id: "m3", text: "buy cheap watches now" },
  { id: "m4", text: "notes from the monday meeting" }
]

describe("csv: and jsonl: without a label column (data for people to label, with --classes)", () => {
  it.effect("a JSONL file of texts is all to label: every record in the pool, labels unknown (−1), nothing held out", () =>
    Effect.gen(function* () {
      const file = join(tempDir("deal-unlabeled-"), "mail.jsonl")
      writeFileSync(file, texts.map((t) => JSON.stringify(t)).join("\n") + "\n")
      const { train, test } = yield* loadTable("jsonl", file, { text: "text", classes: ["ham", "spam"] })
      expect(train.classNames).toEqual(["ham", "spam"])
      expect(Array.from(train.y)).toEqual([-1, -1, -1, -1])
      expect(train.ids).toEqual(["m1", "m2", "m3", "m4"])
      expect(train.texts).toEqual(texts.map((t) => t.text))
      expect(test.y.length).toBe(0)
    })
  )

  it.effect("a CSV folder: train.csv without labels is the pool, test.csv with labels measures", () =>
    Effect.gen(function* () {
      const dir = tempDir("deal-unlabeled-")
      writeFileSync(join(dir, "train.csv"), "id,a,b\nr1,1,2\nr2,3,4\nr3,5,6\n")
      writeFileSync(join(dir, "test.csv"), "id,a,b,label\nt1,1,2,small\nt2,5,6,large\n")
      const { train, test } = yield* loadTable("csv", dir, { classes: ["small", "large"] })
      expect(Array.from(train.y)).toEqual([-1, -1, -1])
      expect(train.shape).toEqual([2])
      expect(Array.from(test.y)).toEqual([0, 1])
      writeFileSync(join(dir, "test.csv"), "id,a,b,label\nt1,1,2,medium\n")
      const unknown = yield* Effect.flip(loadTable("csv", dir, { classes: ["small", "large"] }))
      expect(unknown.message).toBe("row 1: label 'medium' is not a class of the training data: expected one of small, large")
    })
  )

  it.effect("without --classes a missing label column is refused, saying what data to label needs; one class is refused", () =>
    Effect.gen(function* () {
      const dir = tempDir("deal-unlabeled-")
      mkdirSync(dir, { recursive: true })
      const file = join(dir, "rows.csv")
      writeFileSync(file, "id,a,b\nr1,1,2\nr2,3,4\n")
      const refused = yield* Effect.flip(loadTable("csv", file))
      expect(refused.message).toBe("no label (--label) column 'label': the columns are id, a, b; data to label (deal label) has none, and gives --classes")
      const one = yield* Effect.flip(loadTable("csv", file, { classes: ["only"] }))
      expect(one.message).toBe("--classes only: expected at least two classes, separated by commas")
    })
  )
})
