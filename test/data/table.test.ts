import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { loadTable } from "../../src/data/table.js"
import { numericRows, tempDir, textRows, toCsv, toJsonl } from "./fixtures.js"

/** A folder with train.EXT and test.EXT holding `train` and `test` text. */
const pair = (ext: string, train: string, test: string) => {
  const dir = tempDir()
  writeFileSync(join(dir, `train.${ext}`), train)
  writeFileSync(join(dir, `test.${ext}`), test)
  return dir
}

describe("csv: and jsonl: datasets", () => {
  it.effect("CSV folder: numeric features standardised with the training statistics, classes sorted, ids from the id column", () =>
    Effect.gen(function* () {
      const dir = pair("csv", toCsv(numericRows(30)), toCsv(numericRows(9, 100)))
      const { train, test } = yield* loadTable("csv", dir)
      expect(train.classNames).toEqual(["alpha", "beta", "gamma"])
      expect(train.shape).toEqual([3])
      expect(train.kind).toBe("tabular")
      expect(train.y.length).toBe(30)
      expect(test.ids).toEqual(Array.from({ length: 9 }, (_, i) => `r${100 + i}`))
      const mean = [0, 1, 2].map((j) => train.y.reduce((s, _, i) => s + train.x[i * 3 + j], 0) / 30)
      for (const m of mean) expect(Math.abs(m)).toBeLessThan(1e-5)
    })
  )

  it.effect("a single CSV file is split by the seed; --features picks columns; row numbers as ids without an id column", () =>
    Effect.gen(function* () {
      const file = join(tempDir(), "data.csv")
      writeFileSync(file, toCsv(numericRows(50).map(({ id: _, ...r }) => r)))
      const a = yield* loadTable("csv", file, { seed: 1, features: ["f1", "f2"] })
      const b = yield* loadTable("csv", file, { seed: 1, features: ["f1", "f2"] })
      const c = yield* loadTable("csv", file, { seed: 2, features: ["f1", "f2"] })
      expect(a.train.shape).toEqual([2])
      expect(a.test.y.length).toBe(10)
      expect(a.train.y.length).toBe(40)
      expect(a.test.ids).toEqual(b.test.ids)
      expect(a.test.ids).not.toEqual(c.test.ids)
      expect(a.test.ids![0]).toMatch(/^data\.csv:\d+$/)
    })
  )

  it.effect("JSONL with a text column: a vocabulary from the training file only, TF-IDF or token ids", () =>
    Effect.gen(function* () {
      const rows = textRows(40)
      const test = [...textRows(6), { text: "zyzzyva quokka great", label: "pos" }]
      const dir = pair("jsonl", toJsonl(rows), toJsonl(test))
      const { train, test: t } = yield* loadTable("jsonl", dir, { text: "text" })
      expect(train.kind).toBe("text")
      expect(train.classNames).toEqual(["neg", "pos"])
      expect(train.vocabulary).toContain("great")
      expect(train.vocabulary).not.toContain("zyzzyva")
      expect(train.shape).toEqual([train.vocabulary!.length])
      expect(t.ids![6]).toBe("test.jsonl:7")
      const tokens = yield* loadTable("jsonl", dir, { text: "text", textRepresentation: "tokens", maxTokens: 5 })
      expect(tokens.train.kind).toBe("tokens")
      expect(tokens.test.shape).toEqual([5])
      // "zyzzyva quokka great": two out-of-vocabulary words (id 1), "great", then padding (0)
      const great = tokens.train.vocabulary!.indexOf("great") + 2
      expect(Array.from(tokens.test.x.subarray(6 * 5, 7 * 5))).toEqual([1, 1, great, 0, 0])
    })
  )

  it.effect("JSONL numeric: array-valued feature fields are flattened", () =>
    Effect.gen(function* () {
      const rows = numericRows(12).map((r) => ({ x: [r.f1, r.f2], y: r.f3, label: r.label }))
      const dir = pair("jsonl", toJsonl(rows), toJsonl(rows.slice(0, 3)))
      const { train } = yield* loadTable("jsonl", dir)
      expect(train.shape).toEqual([3])
    })
  )

  describe("bad input: a DataError naming the file, the row or line, and what was expected", () => {
    it.effect("a CSV row with a missing label", () =>
      Effect.gen(function* () {
        const dir = pair("csv", "f1,f2,label\n1,2,a\n3,4,\n5,6,b\n", "f1,f2,label\n1,2,a\n")
        const e = yield* Effect.flip(loadTable("csv", dir))
        expect(e.reason).toBe("missing-label")
        expect(e.file).toBe(join(dir, "train.csv"))
        expect(e.message).toBe("row 2: missing label in column 'label'")
      })
    )

    it.effect("a CSV row with a non-numeric feature", () =>
      Effect.gen(function* () {
        const dir = pair("csv", "f1,f2,label\n1,2,a\n3,4,b\n", "f1,f2,label\n1,2,a\n3,four,b\n")
        const e = yield* Effect.flip(loadTable("csv", dir))
        expect(e.reason).toBe("non-numeric")
        expect(e.file).toBe(join(dir, "test.csv"))
        expect(e.message).toBe("row 2: column 'f2' is 'four', expected a number")
      })
    )

    it.effect("an unknown label in the test split", () =>
      Effect.gen(function* () {
        const dir = pair("csv", "f1,label\n1,cat\n2,dog\n", "f1,label\n1,cat\n2,bird\n")
        const e = yield* Effect.flip(loadTable("csv", dir))
        expect(e.reason).toBe("unknown-label")
        expect(e.file).toBe(join(dir, "test.csv"))
        expect(e.message).toBe("row 2: label 'bird' is not a class of the training data: expected one of cat, dog")
      })
    )

    it.effect("a JSONL line that is not JSON", () =>
      Effect.gen(function* () {
        const dir = pair("jsonl", '{"x": 1, "label": "a"}\n{"x": 2, "label": "b"}\n{"x": 3, "label": \n', '{"x": 1, "label": "a"}\n')
        const e = yield* Effect.flip(loadTable("jsonl", dir))
        expect(e.reason).toBe("bad-json")
        expect(e.file).toBe(join(dir, "train.jsonl"))
        expect(e.message).toMatch(/^line 3 is not JSON \(.+\): expected one JSON object per line$/)
      })
    )

    it.effect("a missing label column, a missing train/test file", () =>
      Effect.gen(function* () {
        const dir = pair("csv", "f1,y\n1,a\n2,b\n", "f1,y\n1,a\n")
        const e = yield* Effect.flip(loadTable("csv", dir))
        expect(e.message).toBe("no label (--label) column 'label': the columns are f1, y; data to label (deal label) has none, and gives --classes")
        expect((yield* loadTable("csv", dir, { label: "y" })).train.classNames).toEqual(["a", "b"])
        const empty = tempDir()
        mkdirSync(join(empty, "sub"))
        const m = yield* Effect.flip(loadTable("jsonl", empty))
        expect(m.reason).toBe("missing-split")
        expect(m.file).toBe(join(empty, "train.jsonl"))
        expect(m.message).toBe("missing file: a jsonl folder must hold train.jsonl and test.jsonl")
      })
    )

    it.effect("--skip-bad skips bad rows and lines and counts them", () =>
      Effect.gen(function* () {
        const csv = pair("csv", "f1,label\n1,cat\nx,dog\n2,\n3,dog\n", "f1,label\n1,cat\n2,bird\n")
        const r = yield* loadTable("csv", csv, { skipBad: true })
        expect(r.train.y.length).toBe(2)
        expect(r.test.y.length).toBe(1)
        expect(r.skipped!.map((s) => s.message)).toEqual([
          "row 2: column 'f1' is 'x', expected a number",
          "row 3: missing label in column 'label'",
          "row 2: label 'bird' is not a class of the training data: expected one of cat, dog"
        ])
        const jsonl = pair("jsonl", '{"f": 1, "label": "a"}\nnot json\n[1]\n{"f": 2, "label": "b"}\n', '{"f": 1, "label": "a"}\n')
        const j = yield* loadTable("jsonl", jsonl, { skipBad: true })
        expect(j.train.y.length).toBe(2)
        expect(j.skipped!.map((s) => s.message.slice(0, 18))).toEqual(["line 2 is not JSON", "line 3 is an array"])
      })
    )
  })
})
