/**
 * Bad data that used to crash later or pass silently (issue 13): each case is one DataError line
 * naming the file, where in it, and what was expected, or (a corrupt item) skipped with --skip-bad.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { requireTwoClasses } from "../../src/data/dataset.js"
import { loadImageFolder } from "../../src/data/folder.js"
import { loadTable } from "../../src/data/table.js"
import { makeImageFolder, tempDir, textRows, toJsonl } from "./fixtures.js"

/** A folder with train.EXT and test.EXT holding `train` and `test` text. */
const pair = (ext: string, train: string, test: string) => {
  const dir = tempDir()
  writeFileSync(join(dir, `train.${ext}`), train)
  writeFileSync(join(dir, `test.${ext}`), test)
  return dir
}
const noCache = { cacheDir: false } as const

describe("tables: bad data is one DataError line", () => {
  it.effect("a training set with one class", () =>
    Effect.gen(function* () {
      const dir = pair("csv", "f1,label\n1,cat\n2,cat\n3,cat\n", "f1,label\n1,cat\n")
      const e = yield* Effect.flip(loadTable("csv", dir))
      expect(e.reason).toBe("one-class")
      expect(e.file).toBe(join(dir, "train.csv"))
      expect(e.message).toBe("the training data has one class, 'cat' (3 examples): active learning needs at least two classes")
    })
  )

  it.effect("a feature beyond float32 (1e308 would become Infinity), or not finite", () =>
    Effect.gen(function* () {
      const dir = pair("csv", "f1,f2,label\n1,2,a\n3,1e308,b\n", "f1,f2,label\n1,2,a\n")
      const e = yield* Effect.flip(loadTable("csv", dir))
      expect(e.reason).toBe("out-of-range")
      expect(e.file).toBe(join(dir, "train.csv"))
      expect(e.message).toBe("row 2: column 'f2' is '1e308', expected a finite number with |x| ≤ 3.4e38 (float32)")
      const jsonl = pair("jsonl", '{"x": [1, 2], "label": "a"}\n{"x": [1, -4e38], "label": "b"}\n', '{"x": [1, 2], "label": "a"}\n')
      expect((yield* Effect.flip(loadTable("jsonl", jsonl))).message).toBe(
        "line 2: column 'x' item 2 is -4e+38, expected a finite number with |x| ≤ 3.4e38 (float32)"
      )
      const inf = pair("csv", "f1,label\n1,a\n-Infinity,b\n", "f1,label\n1,a\n")
      expect((yield* Effect.flip(loadTable("csv", inf))).message).toBe("row 2: column 'f1' is '-Infinity', expected a finite number with |x| ≤ 3.4e38 (float32)")
      // a corrupt row: skipped and counted with --skip-bad
      const r = yield* loadTable("csv", pair("csv", "f1,label\n1,a\n1e39,b\n2,b\n", "f1,label\n1,a\n"), { skipBad: true })
      expect(r.skipped!.map((s) => s.message)).toEqual(["row 2: column 'f1' is '1e39', expected a finite number with |x| ≤ 3.4e38 (float32)"])
    })
  )

  it.effect("a test value that standardises beyond float32 (a constant training column far from it)", () =>
    Effect.gen(function* () {
      const dir = pair("csv", "f1,f2,label\n-3e38,1,a\n-3e38,2,b\n", "f1,f2,label\n-3e38,1,a\n3e38,2,b\n")
      const e = yield* Effect.flip(loadTable("csv", dir))
      expect(e.reason).toBe("out-of-range")
      expect(e.file).toBe(join(dir, "test.csv"))
      expect(e.message).toBe(
        "row 2: column 'f1' is 3e+38, beyond float32 once standardised with the training data (mean -3e+38, deviation 1): expected |x − mean| / deviation ≤ 3.4e38"
      )
    })
  )

  it.effect("a repeated column name in a CSV header", () =>
    Effect.gen(function* () {
      const dir = pair("csv", "f1,f2,f1,label\n1,2,3,a\n4,5,6,b\n", "f1,f2,f1,label\n1,2,3,a\n")
      const e = yield* Effect.flip(loadTable("csv", dir))
      expect(e.reason).toBe("bad-format")
      expect(e.file).toBe(join(dir, "train.csv"))
      expect(e.message).toBe("header: column 'f1' appears twice (columns 1 and 3): expected unique column names")
    })
  )

  it.effect("a JSONL line or CSV row without the --text field, or with a non-string there; --skip-bad skips it", () =>
    Effect.gen(function* () {
      const rows = textRows(6)
      const missing = pair("jsonl", toJsonl([...rows.slice(0, 2), { label: "pos" }, ...rows.slice(2)]), toJsonl(rows))
      const e = yield* Effect.flip(loadTable("jsonl", missing, { text: "text" }))
      expect(e.reason).toBe("missing-text")
      expect(e.file).toBe(join(missing, "train.jsonl"))
      expect(e.message).toBe("line 3: missing text in column 'text' (--text): expected a string")
      const number = pair("jsonl", toJsonl(rows), toJsonl([rows[0], { text: 42, label: "pos" }]))
      const n = yield* Effect.flip(loadTable("jsonl", number, { text: "text" }))
      expect(n.file).toBe(join(number, "test.jsonl"))
      expect(n.message).toBe("line 2: column 'text' is 42, expected a string (--text)")
      const csv = pair("csv", "text,label\ngreat film,pos\n,neg\nawful film,neg\n", "text,label\ngreat,pos\n")
      expect((yield* Effect.flip(loadTable("csv", csv, { text: "text" }))).message).toBe("row 2: missing text in column 'text' (--text): expected a string")
      const skipped = yield* loadTable("jsonl", missing, { text: "text", skipBad: true })
      expect(skipped.train.y.length).toBe(6)
      expect(skipped.skipped!.map((s) => s.message)).toEqual(["line 3: missing text in column 'text' (--text): expected a string"])
    })
  )

  it.effect("labels that differ only by surrounding spaces are refused, not made two classes", () =>
    Effect.gen(function* () {
      const dir = pair("csv", "f1,species\n1,setosa\n2,virginica\n3,setosa \n", "f1,species\n1,setosa\n")
      const e = yield* Effect.flip(loadTable("csv", dir, { label: "species" }))
      expect(e.reason).toBe("label-spelling")
      expect(e.file).toBe(join(dir, "train.csv"))
      expect(e.message).toBe(
        "row 3: label 'setosa ' in column 'species' differs from 'setosa' (row 1) only by surrounding spaces: labels are compared exactly; spell them the same"
      )
      // numbers spelt two ways are one number, not two classes
      const numbers = pair("csv", "f1,label\n1,1\n2,2\n3,1.0\n", "f1,label\n1,1\n")
      expect((yield* Effect.flip(loadTable("csv", numbers))).message).toBe(
        "row 3: label '1.0' in column 'label' is the number 1, as is '1' (row 1): labels are compared exactly; spell them the same"
      )
    })
  )

  it.effect("an empty CSV, a CSV with a header and no rows, an empty JSONL", () =>
    Effect.gen(function* () {
      const empty = pair("csv", "", "f1,label\n1,a\n")
      const e = yield* Effect.flip(loadTable("csv", empty))
      expect(e.reason).toBe("empty")
      expect(e.file).toBe(join(empty, "train.csv"))
      expect(e.message).toBe("empty file: expected a header line of column names, then one row per example")
      const header = pair("csv", "f1,label\n1,a\n2,b\n", "f1,label\n")
      const h = yield* Effect.flip(loadTable("csv", header))
      expect(h.file).toBe(join(header, "test.csv"))
      expect(h.message).toBe("no rows after the header: expected one row per example")
      const jsonl = join(tempDir(), "data.jsonl")
      writeFileSync(jsonl, "\n\n")
      const j = yield* Effect.flip(loadTable("jsonl", jsonl))
      expect(j.file).toBe(jsonl)
      expect(j.message).toBe("no lines: expected one JSON object per line")
    })
  )

  it.effect("CSV details: blank lines are not rows, a row with more fields than the header is refused, a BOM is not part of a name", () =>
    Effect.gen(function* () {
      const blank = pair("csv", "f1,label\n1,a\n\n2,b\n\n\n", "f1,label\n1,a\n")
      expect((yield* loadTable("csv", blank)).train.y.length).toBe(2)
      const extra = pair("csv", "text,label\n\"great, really\",pos\nawful, really,neg\n", "text,label\ngreat,pos\n")
      const e = yield* Effect.flip(loadTable("csv", extra, { text: "text" }))
      expect(e.file).toBe(join(extra, "train.csv"))
      expect(e.message).toBe("row 2: 3 fields, expected 2 as in the header (quote a field that holds a comma)")
      const bom = pair("csv", "\uFEFFlabel,f1\na,1\nb,2\n", "\uFEFFlabel,f1\na,1\n")
      expect((yield* loadTable("csv", bom)).train.classNames).toEqual(["a", "b"])
      // RFC 4180: CRLF line ends, a quoted field holding a quote, a comma and a line end
      const quoted = pair("csv", 'id,text,label\r\nq1,"say ""great"", then\r\nleave",pos\r\nq2,awful awful,neg\r\nq3,great great,pos', "id,text,label\nq4,great,pos\n")
      const q = yield* loadTable("csv", quoted, { text: "text" })
      expect(q.train.ids).toEqual(["q1", "q2", "q3"])
      expect(q.train.vocabulary).toEqual(["great"])
    })
  )

  it.effect("CSV details: a quoted field never closed, a column without a name", () =>
    Effect.gen(function* () {
      const open = pair("csv", 'text,label\n"great film,pos\nawful,neg\n', "text,label\ngreat,pos\n")
      const e = yield* Effect.flip(loadTable("csv", open, { text: "text" }))
      expect(e.file).toBe(join(open, "train.csv"))
      expect(e.message).toBe('row 1: a quoted field is never closed: expected a closing " (a quote inside quotes is written "")')
      const unnamed = pair("csv", "f1,label,\n1,a,\n2,b,\n", "f1,label,\n1,a,\n")
      expect((yield* Effect.flip(loadTable("csv", unnamed))).message).toBe("header: column 3 has no name: expected a name for every column")
    })
  )

  it.effect("texts that share no word leave an empty vocabulary: refused", () =>
    Effect.gen(function* () {
      const dir = pair("jsonl", toJsonl([{ text: "alpha", label: "a" }, { text: "beta", label: "b" }, { text: "gamma", label: "a" }]), toJsonl([{ text: "alpha", label: "a" }]))
      const e = yield* Effect.flip(loadTable("jsonl", dir, { text: "text" }))
      expect(e.file).toBe(join(dir, "train.jsonl"))
      expect(e.message).toBe("no word occurs in two or more training documents (column 'text'): expected texts that share words, for a vocabulary")
    })
  )

  it.effect("the label used as a feature, or a feature named twice (--features), is refused", () =>
    Effect.gen(function* () {
      const dir = pair("csv", "f1,label\n1,a\n2,b\n", "f1,label\n1,a\n")
      const e = yield* Effect.flip(loadTable("csv", dir, { features: ["f1", "label"] }))
      expect(e.file).toBe(join(dir, "train.csv"))
      expect(e.message).toBe("column 'label' is the label (--label): expected --features to name other columns")
      expect((yield* Effect.flip(loadTable("csv", dir, { features: ["f1", "f1"] }))).message).toBe("column 'f1' is named twice in --features: expected each feature once")
    })
  )

  it.effect("a test file whose every row was skipped leaves no test data: refused", () =>
    Effect.gen(function* () {
      const dir = pair("csv", "f1,label\n1,a\n2,b\n", "f1,label\nx,a\n")
      const e = yield* Effect.flip(loadTable("csv", dir, { skipBad: true }))
      expect(e.file).toBe(join(dir, "test.csv"))
      expect(e.message).toBe("no usable rows: every row was skipped (--skip-bad)")
    })
  )
})

describe("requireTwoClasses: active learning needs two classes in the training data", () => {
  it.effect("names the source and the one class found, e.g. after subsampling", () =>
    Effect.gen(function* () {
      const classNames = ["0", "1", "2"]
      yield* requireTwoClasses({ classNames, y: Int32Array.from([0, 2, 2]) }, "mnist")
      const e = yield* Effect.flip(requireTwoClasses({ classNames, y: Int32Array.from([1, 1]) }, "mnist (--n_train 2)"))
      expect(e.reason).toBe("one-class")
      expect(e.file).toBe("mnist (--n_train 2)")
      expect(e.toString()).toBe("mnist (--n_train 2): the training data has one class, '1' (2 examples): active learning needs at least two classes")
      expect((yield* Effect.flip(requireTwoClasses({ classNames, y: new Int32Array(0) }, "x"))).message).toBe(
        "the training data has no examples: active learning needs at least two classes"
      )
    })
  )
})

describe("image folders: bad data is one DataError line", () => {
  const folder = (spec = {}) => Effect.promise(() => makeImageFolder(tempDir(), { classes: ["cat", "dog"], train: 2, test: 1, size: 4, ...spec }))

  it.effect("one class folder", () =>
    Effect.gen(function* () {
      const root = yield* folder({ classes: ["cat"] })
      const e = yield* Effect.flip(loadImageFolder(root, noCache))
      expect(e.reason).toBe("one-class")
      expect(e.file).toBe(join(root, "train"))
      expect(e.message).toBe("the training data has one class, 'cat' (2 examples): active learning needs at least two classes")
    })
  )

  it.effect("symlinked class folders and images are followed; a broken link is one line", () =>
    Effect.gen(function* () {
      const root = yield* folder()
      const elsewhere = yield* folder()
      // train/dog and test/dog are links to another folder's class folders; one image is a link
      for (const split of ["train", "test"]) {
        rmSync(join(root, split, "dog"), { recursive: true })
        symlinkSync(join(elsewhere, split, "dog"), join(root, split, "dog"))
      }
      symlinkSync(join(elsewhere, "train", "cat", "000.png"), join(root, "train", "cat", "linked.png"))
      const { train, test } = yield* loadImageFolder(root, noCache)
      expect(train.classNames).toEqual(["cat", "dog"])
      expect(Array.from(train.y)).toEqual([0, 0, 0, 1, 1])
      expect(test.y.length).toBe(2)
      const broken = join(root, "train", "cat", "gone.png")
      symlinkSync(join(elsewhere, "nowhere.png"), broken)
      const e = yield* Effect.flip(loadImageFolder(root, noCache))
      expect(e.reason).toBe("unreadable")
      expect(e.file).toBe(broken)
      expect(e.message).toBe(`broken symbolic link to ${join(elsewhere, "nowhere.png")}: expected an image`)
      rmSync(broken)
      mkdirSync(join(root, "test", "emu"))
      symlinkSync(join(elsewhere, "no-such-class"), join(root, "train", "emu"))
      const c = yield* Effect.flip(loadImageFolder(root, noCache))
      expect(c.file).toBe(join(root, "train", "emu"))
      expect(c.message).toBe(`broken symbolic link to ${join(elsewhere, "no-such-class")}: expected a class folder`)
    })
  )
})
