/**
 * Tables as datasets: `csv:PATH` (RFC 4180, parsed here so that a row of the wrong width, a
 * repeated column or an unclosed quote is named, not silently reshaped) and `jsonl:PATH` (one JSON
 * object per line). A label column and either numeric feature columns (standardised with the training
 * split's mean and standard deviation) or one text column (TF-IDF or token ids, vocabulary from
 * the training split). PATH is a folder holding `train.csv` and `test.csv` (`.jsonl`), or one
 * file that is split into train and test by the seed.
 */
import { readFile, stat } from "node:fs/promises"
import { basename, join } from "node:path"
import * as Effect from "effect/Effect"
import { RandomStream } from "../runtime/random.js"
import { type Dataset, type DatasetSplits, requireTwoClasses, type SkippedItem } from "./dataset.js"
import { DataError, failData as fail } from "./errors.js"
import { type DatasetOptions, warnSkipped } from "./options.js"
import { textDatasets } from "./text.js"

export type TableFormat = "csv" | "jsonl"

/** One record of a file: where it is (`row 3` / `line 4`), its id, and its fields. */
interface Record_ {
  readonly where: string
  readonly id: string
  readonly fields: Readonly<Record<string, unknown>>
}

interface RawTable {
  readonly file: string
  readonly columns: ReadonlyArray<string>
  readonly records: ReadonlyArray<Record_>
  /** Records dropped while reading (a bad JSONL line, a CSV row of the wrong width), with `skipBad`. */
  readonly dropped: number
}

/** Where skipped items go, and whether a bad item is skipped (`skipBad`) or fails. */
interface Skipping {
  readonly skipped: Array<SkippedItem>
  readonly skipBad: boolean
}

interface Problem {
  readonly message: string
  readonly reason: DataError["reason"]
}

/** A corrupt item: a `DataError`, or with `skipBad` one more skipped item. */
const bad = (file: string, problem: Problem, skipping: Skipping): Effect.Effect<void, DataError> =>
  skipping.skipBad ? Effect.sync(() => void skipping.skipped.push({ file, message: problem.message })) : fail(file, problem.message, problem.reason)

/** A file's text, without the byte-order mark some editors write first (it is not part of the first column's name). */
const read = (file: string) =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8").then((text) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)),
    catch: (e) => new DataError({ file, message: `cannot read file: ${(e as Error).message}`, reason: "unreadable" })
  })

const idOf = (file: string, fields: Readonly<Record<string, unknown>>, n: number) => {
  const id = fields["id"]
  return id === undefined || id === null || id === "" ? `${basename(file)}:${n}` : String(id)
}

const isBlank = (record: ReadonlyArray<string>) => record.length === 1 && record[0].trim() === ""

/**
 * The records of CSV text (RFC 4180): fields end at a comma or a line end outside double quotes,
 * `""` is a quote inside quotes; blank lines are not records. `unclosed` is the index of the
 * record whose quote is never closed, if one is not.
 */
const csvRecords = (text: string): { readonly records: Array<Array<string>>; readonly unclosed?: number } => {
  const records: Array<Array<string>> = []
  const delimiter = /[,\r\n]/g
  let record: Array<string> = []
  let i = 0
  while (i < text.length) {
    let value = ""
    if (text[i] === '"') {
      for (let j = i + 1; ; ) {
        const quote = text.indexOf('"', j)
        if (quote < 0) return { records, unclosed: records.length }
        value += text.slice(j, quote)
        if (text[quote + 1] !== '"') {
          i = quote + 1
          break
        }
        value += '"'
        j = quote + 2
      }
    }
    delimiter.lastIndex = i
    const k = delimiter.exec(text)?.index ?? text.length
    record.push(value + text.slice(i, k))
    i = k
    if (text[i] === ",") {
      i++
      if (i === text.length) record.push("")
      continue
    }
    i += text[i] === "\r" && text[i + 1] === "\n" ? 2 : 1
    if (!isBlank(record)) records.push(record)
    record = []
  }
  if (record.length > 0 && !isBlank(record)) records.push(record)
  return { records }
}

/** CSV: a header of unique column names, then rows of as many fields; blank lines are ignored. */
const readCsv = (file: string, skipping: Skipping): Effect.Effect<RawTable, DataError> =>
  Effect.gen(function* () {
    const { records, unclosed } = csvRecords(yield* read(file))
    if (unclosed !== undefined) {
      return yield* fail(file, `${unclosed === 0 ? "header" : `row ${unclosed}`}: a quoted field is never closed: expected a closing " (a quote inside quotes is written "")`, "bad-format")
    }
    if (records.length === 0) return yield* fail(file, "empty file: expected a header line of column names, then one row per example", "empty")
    const columns = records[0].map((c) => c.trim())
    for (let i = 0; i < columns.length; i++) {
      const first = columns.indexOf(columns[i])
      if (columns[i] === "") return yield* fail(file, `header: column ${i + 1} has no name: expected a name for every column`, "bad-format")
      if (first < i) return yield* fail(file, `header: column '${columns[i]}' appears twice (columns ${first + 1} and ${i + 1}): expected unique column names`, "bad-format")
    }
    if (records.length === 1) return yield* fail(file, "no rows after the header: expected one row per example", "empty")
    const out: Array<Record_> = []
    for (let r = 1; r < records.length; r++) {
      const values = records[r]
      if (values.length !== columns.length) {
        const hint = values.length > columns.length ? " (quote a field that holds a comma)" : ""
        yield* bad(file, { message: `row ${r}: ${values.length} fields, expected ${columns.length} as in the header${hint}`, reason: "bad-format" }, skipping)
        continue
      }
      const fields = Object.fromEntries(columns.map((c, j) => [c, values[j]]))
      out.push({ where: `row ${r}`, id: idOf(file, fields, r), fields })
    }
    return { file, columns, records: out, dropped: records.length - 1 - out.length }
  })

/** JSONL: blank lines are ignored; a line that is not a JSON object is bad input. */
const readJsonl = (file: string, skipping: Skipping): Effect.Effect<RawTable, DataError> =>
  Effect.gen(function* () {
    const lines = (yield* read(file)).split(/\r?\n/)
    if (lines.every((l) => l.trim() === "")) return yield* fail(file, "no lines: expected one JSON object per line", "empty")
    const records: Array<Record_> = []
    const columns = new Set<string>()
    let dropped = 0
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim()
      if (line === "") continue
      let value: unknown
      let problem: string | undefined
      try {
        value = JSON.parse(line)
        if (typeof value !== "object" || value === null || Array.isArray(value)) problem = `is ${Array.isArray(value) ? "an array" : JSON.stringify(value)}, expected a JSON object`
      } catch (e) {
        problem = `is not JSON (${(e as Error).message}): expected one JSON object per line`
      }
      if (problem !== undefined) {
        yield* bad(file, { message: `line ${i + 1} ${problem}`, reason: "bad-json" }, skipping)
        dropped++
        continue
      }
      const fields = value as Record<string, unknown>
      for (const k of Object.keys(fields)) columns.add(k)
      records.push({ where: `line ${i + 1}`, id: idOf(file, fields, i + 1), fields })
    }
    return { file, columns: [...columns], records, dropped }
  })

const isMissing = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "")

/** The largest float32: features are stored as float32, where a larger value is Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i
const NON_FINITE = /^[+-]?(?:inf(?:inity)?|nan)$/i

/** A feature value: a number, or a decimal string, finite and within float32. */
const featureValue = (v: unknown): number | Problem => {
  const s = typeof v === "string" ? v.trim() : undefined
  const n = typeof v === "number" ? v : s === undefined ? undefined : DECIMAL.test(s) ? Number(s) : NON_FINITE.test(s) ? Number.NaN : undefined
  if (n === undefined) return { message: "expected a number", reason: "non-numeric" }
  return Number.isFinite(n) && Math.abs(n) <= FLOAT32_MAX ? n : { message: "expected a finite number with |x| ≤ 3.4e38 (float32)", reason: "out-of-range" }
}

/** How a numeric field's value is named in messages: its column, and in JSONL the item of an array. */
const featureName = (column: string, v: unknown, k: number) => (Array.isArray(v) ? `column '${column}' item ${k + 1}` : `column '${column}'`)

/** The names of a record's feature values, in order (a JSONL array field gives one per item). */
const featureNames = (features: ReadonlyArray<string>, fields: Readonly<Record<string, unknown>>): Array<string> =>
  features.flatMap((f) => {
    const v = fields[f]
    return Array.isArray(v) ? v.map((_, k) => featureName(f, v, k)) : [featureName(f, v, 0)]
  })

const show = (v: unknown) => (v === undefined ? "missing" : typeof v === "string" ? `'${v}'` : JSON.stringify(v))

interface Columns {
  /** Absent: the data is unlabelled (people label it; `--classes` names the classes). */
  readonly label: string | undefined
  readonly text?: string
  readonly features: ReadonlyArray<string>
}

const chooseColumns = (table: RawTable, options: DatasetOptions): Effect.Effect<Columns, DataError> =>
  Effect.gen(function* () {
    const label = options.label ?? "label"
    const known = table.columns.join(", ")
    const need = (column: string, what: string, hint = "") =>
      table.columns.includes(column)
        ? Effect.void
        : fail(table.file, `no ${what} column '${column}': the columns are ${known || "none"}${hint}`, "bad-format")
    // Unlabelled data, for people to label: no label column, and the classes given.
    const unlabeled = options.classes !== undefined && !table.columns.includes(label)
    if (!unlabeled) yield* need(label, `label${options.label === undefined ? " (--label)" : ""}`, "; data to label (deal label) has none, and gives --classes")
    const flag = options.text !== undefined ? "--text" : "--features"
    if ((options.text !== undefined ? [options.text] : (options.features ?? [])).includes(label)) {
      return yield* fail(table.file, `column '${label}' is the label (--label): expected ${flag} to name other columns`, "bad-format")
    }
    if (options.text !== undefined) {
      yield* need(options.text, "text (--text)")
      return { label: unlabeled ? undefined : label, text: options.text, features: [] }
    }
    const features = options.features ?? table.columns.filter((c) => c !== label && c !== "id")
    for (const f of features) yield* need(f, "feature (--features)")
    const twice = features.find((f, i) => features.indexOf(f) < i)
    if (twice !== undefined) return yield* fail(table.file, `column '${twice}' is named twice in --features: expected each feature once`, "bad-format")
    if (features.length === 0) return yield* fail(table.file, `no feature columns besides the label '${label}': pass --features or --text`, "bad-format")
    return { label: unlabeled ? undefined : label, features }
  })

interface Parsed {
  readonly file: string
  readonly labels: Array<string>
  readonly ids: Array<string>
  /** Where each record is in its file (`row 3`, `line 4`). */
  readonly wheres: Array<string>
  /** Numeric: one row of features per record. Text: its tokens. */
  readonly rows: Array<ReadonlyArray<number>>
  readonly texts: Array<string>
}

/** The feature layout, fixed by the first numeric record: how many values, where, and each one's name. */
interface Layout {
  n: number | undefined
  where: string
  names: ReadonlyArray<string>
}

/** A record checked: what is wrong with it, or its text, or its feature values. */
type Checked = { readonly problem: Problem } | { readonly text: string } | { readonly row: Array<number> }

const checkRecord = (r: Record_, columns: Columns, layout: Layout): Checked => {
  const problem = (message: string, reason: DataError["reason"]) => ({ problem: { message: `${r.where}: ${message}`, reason } })
  if (columns.label !== undefined) {
    const label = r.fields[columns.label]
    if (isMissing(label)) return problem(`missing label in column '${columns.label}'`, "missing-label")
    if (typeof label === "object") return problem(`label ${show(label)} in column '${columns.label}' is not a string or number`, "missing-label")
  }
  if (columns.text !== undefined) {
    const text = r.fields[columns.text]
    if (isMissing(text)) return problem(`missing text in column '${columns.text}' (--text): expected a string`, "missing-text")
    if (typeof text !== "string") return problem(`column '${columns.text}' is ${show(text)}, expected a string (--text)`, "missing-text")
    return { text }
  }
  const row: Array<number> = []
  for (const f of columns.features) {
    const v = r.fields[f]
    const values = Array.isArray(v) ? v : [v]
    for (let k = 0; k < values.length; k++) {
      const x = featureValue(values[k])
      if (typeof x !== "number") return problem(`${featureName(f, v, k)} is ${show(values[k])}, ${x.message}`, x.reason)
      row.push(x)
    }
  }
  if (layout.n !== undefined && row.length !== layout.n) {
    return problem(`${row.length} feature values, expected ${layout.n} (as in ${layout.where})`, "non-numeric")
  }
  return { row }
}

/** Checks and converts each record; bad ones fail, or are skipped with `skipBad`. */
const parseRecords = (table: RawTable, columns: Columns, skipping: Skipping, layout: Layout): Effect.Effect<Parsed, DataError> =>
  Effect.gen(function* () {
    const out: Parsed = { file: table.file, labels: [], ids: [], wheres: [], rows: [], texts: [] }
    for (const r of table.records) {
      const checked = checkRecord(r, columns, layout)
      if ("problem" in checked) {
        yield* bad(table.file, checked.problem, skipping)
        continue
      }
      if ("text" in checked) out.texts.push(checked.text)
      else {
        if (layout.n === undefined) {
          layout.n = checked.row.length
          layout.where = `${basename(table.file)} ${r.where}`
          layout.names = featureNames(columns.features, r.fields)
        }
        out.rows.push(checked.row)
      }
      out.labels.push(columns.label === undefined ? "" : String(r.fields[columns.label]))
      out.ids.push(r.id)
      out.wheres.push(r.where)
    }
    return out
  })

/**
 * Labels are compared exactly, so two spellings of one label would become two classes: a label
 * that differs from another only by surrounding spaces, or that is the same number written
 * differently ('1' and '1.0'), is refused.
 */
const checkLabelSpellings = (parsed: Parsed, column: string): Effect.Effect<void, DataError> => {
  const seen = new Map<string, { readonly label: string; readonly where: string }>()
  for (let i = 0; i < parsed.labels.length; i++) {
    const label = parsed.labels[i]
    const trimmed = label.trim()
    const key = DECIMAL.test(trimmed) ? `number ${Number(trimmed)}` : trimmed
    const first = seen.get(key)
    if (first === undefined) seen.set(key, { label, where: parsed.wheres[i] })
    else if (first.label !== label) {
      const how =
        first.label.trim() === trimmed
          ? `differs from '${first.label}' (${first.where}) only by surrounding spaces`
          : `is the number ${Number(trimmed)}, as is '${first.label}' (${first.where})`
      return fail(parsed.file, `${parsed.wheres[i]}: label '${label}' in column '${column}' ${how}: labels are compared exactly; spell them the same`, "label-spelling")
    }
  }
  return Effect.void
}

/** Class names sorted numerically when every label is a number, else as strings. */
const sortLabels = (labels: Iterable<string>): Array<string> => {
  const distinct = [...new Set(labels)]
  return distinct.every((l) => Number.isFinite(Number(l)))
    ? distinct.sort((a, b) => Number(a) - Number(b))
    : distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

const pick = <A>(xs: ReadonlyArray<A>, idx: ArrayLike<number>): Array<A> => Array.from(idx, (i) => xs[i])

/** The records of `p` at `idx`. */
const part = (p: Parsed, idx: ArrayLike<number>): Parsed => ({
  file: p.file,
  labels: pick(p.labels, idx),
  ids: pick(p.ids, idx),
  wheres: pick(p.wheres, idx),
  rows: pick(p.rows, idx),
  texts: pick(p.texts, idx)
})

interface NumericSplit {
  readonly parsed: Parsed
  readonly y: Int32Array
}

/**
 * Numeric features standardised with the training split's statistics (no test leakage). A test
 * value far from a training column's values can still leave float32 once standardised (a
 * constant column keeps deviation 1): that fails, naming the file, row and column.
 */
const numericDatasets = (
  name: string,
  classNames: ReadonlyArray<string>,
  names: ReadonlyArray<string>,
  train: NumericSplit,
  test: NumericSplit
): Effect.Effect<{ train: Dataset; test: Dataset }, DataError> =>
  Effect.gen(function* () {
    const rows = train.parsed.rows
    const d = names.length
    const mean = new Float64Array(d)
    const sd = new Float64Array(d)
    for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j] / rows.length
    for (const r of rows) for (let j = 0; j < d; j++) sd[j] += (r[j] - mean[j]) ** 2 / rows.length
    for (let j = 0; j < d; j++) sd[j] = sd[j] > 0 ? Math.sqrt(sd[j]) : 1
    const make = ({ parsed, y }: NumericSplit) =>
      Effect.gen(function* () {
        const x = new Float32Array(parsed.rows.length * d)
        for (let i = 0; i < parsed.rows.length; i++) {
          const r = parsed.rows[i]
          for (let j = 0; j < d; j++) {
            x[i * d + j] = (r[j] - mean[j]) / sd[j]
            if (!Number.isFinite(x[i * d + j])) {
              return yield* fail(
                parsed.file,
                `${parsed.wheres[i]}: ${names[j]} is ${r[j]}, beyond float32 once standardised with the training data (mean ${mean[j]}, deviation ${sd[j]}): expected |x − mean| / deviation ≤ 3.4e38`,
                "out-of-range"
              )
            }
          }
        }
        return { name, x, shape: [d], y, classNames, ids: parsed.ids, kind: "tabular" } satisfies Dataset
      })
    return { train: yield* make(train), test: yield* make(test) }
  })

/**
 * Loads `csv:PATH` or `jsonl:PATH`. Bad input fails with a `DataError` naming the file and the
 * row (CSV) or line (JSONL) and column: an empty file, a repeated or unnamed CSV column, a row of
 * the wrong width, a missing label, a missing or non-string text, a non-numeric feature or one
 * beyond float32, a label in the test file that the training file does not have, a JSONL line
 * that is not JSON; `skipBad` skips such records with a warning instead. Two spellings of one
 * label and a training set of one class are refused.
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import { mkdtempSync, writeFileSync } from "node:fs"
 * import { tmpdir } from "node:os"
 * import { join } from "node:path"
 * import { Effect } from "effect"
 * import { Data } from "deal-active-learning"
 *
 * // One CSV file: a label column and numeric features, split 80/20 by the seed (a folder with train.csv and test.csv keeps its split).
 * const file = join(mkdtempSync(join(tmpdir(), "deal-")), "points.csv")
 * writeFileSync(file, ["x,y,label", ...Array.from({ length: 50 }, (_, i) => `${i},${50 - i},${i < 25 ? "low" : "high"}`)].join("\n"))
 * const { train, test } = await Effect.runPromise(Data.loadTable("csv", file, { seed: 1 }))
 * assert.deepStrictEqual([Data.size(train), Data.size(test), train.shape, [...train.classNames].sort()], [40, 10, [2], ["high", "low"]])
 * ```
 */
export const loadTable = (format: TableFormat, path: string, options: DatasetOptions = {}): Effect.Effect<DatasetSplits, DataError> =>
  Effect.gen(function* () {
    const name = `${format}:${path}`
    const skipping: Skipping = { skipped: [], skipBad: options.skipBad === true }
    const { skipped } = skipping
    const unit = format === "csv" ? "row" : "line"
    const readTable = (file: string) => (format === "csv" ? readCsv(file, skipping) : readJsonl(file, skipping))
    const usable = (p: Parsed) => (p.labels.length > 0 ? Effect.void : fail(p.file, `no usable ${unit}s: every ${unit} was skipped (--skip-bad)`, "empty"))
    const info = yield* Effect.promise(() => stat(path).then((s) => s, () => undefined))
    if (info === undefined) {
      return yield* fail(path, `no such file or folder: expected a .${format} file, or a folder with train.${format} and test.${format}`, "unreadable")
    }
    const layout: Layout = { n: undefined, where: "", names: [] }
    let classNames: Array<string>
    let columns: Columns
    let train: Parsed
    let test: Parsed
    let total: number
    if (info.isDirectory()) {
      const files = { train: join(path, `train.${format}`), test: join(path, `test.${format}`) }
      for (const f of [files.train, files.test]) {
        const exists = yield* Effect.promise(() => stat(f).then((s) => s.isFile(), () => false))
        if (!exists) return yield* fail(f, `missing file: a ${format} folder must hold train.${format} and test.${format}`, "missing-split")
      }
      const trainTable = yield* readTable(files.train)
      columns = yield* chooseColumns(trainTable, options)
      train = yield* parseRecords(trainTable, columns, skipping, layout)
      yield* usable(train)
      classNames = columns.label === undefined ? [...options.classes!] : sortLabels(train.labels)
      if (columns.label !== undefined) yield* checkLabelSpellings(train, columns.label)
      const testTable = yield* readTable(files.test)
      // Unlabelled training data is measured on a labelled test file.
      const testColumns = yield* chooseColumns(testTable, { ...options, classes: undefined })
      const parsed = yield* parseRecords(testTable, { ...columns, label: testColumns.label }, skipping, layout)
      const known = new Set(classNames)
      const keep: Array<number> = []
      for (let i = 0; i < parsed.labels.length; i++) {
        if (known.has(parsed.labels[i])) keep.push(i)
        else {
          const message = `${parsed.wheres[i]}: label '${parsed.labels[i]}' is not a class of the training data: expected one of ${classNames.join(", ")}`
          yield* bad(files.test, { message, reason: "unknown-label" }, skipping)
        }
      }
      test = part(parsed, keep)
      yield* usable(test)
      total = trainTable.records.length + trainTable.dropped + testTable.records.length + testTable.dropped
    } else {
      const table = yield* readTable(path)
      columns = yield* chooseColumns(table, options)
      const all = yield* parseRecords(table, columns, skipping, layout)
      yield* usable(all)
      if (columns.label === undefined) {
        // Unlabelled: every record is for people to label, and nothing is held out.
        classNames = [...options.classes!]
        train = all
        test = part(all, [])
        total = table.records.length + table.dropped
      } else {
        yield* checkLabelSpellings(all, columns.label)
        classNames = sortLabels(all.labels)
        const n = all.labels.length
        const fraction = options.testFraction ?? 0.2
        const nTest = Math.min(n - 1, Math.max(1, Math.round(n * fraction)))
        const perm = RandomStream.make(options.seed ?? 0, "split", "test").permutation(n)
        train = part(all, perm.slice(nTest).sort())
        test = part(all, perm.slice(0, nTest).sort())
        total = table.records.length + table.dropped
      }
    }
    const classIndex = new Map(classNames.map((c, i) => [c, i]))
    // An unlabelled record's class is −1 (unknown).
    const y = (p: Parsed) => Int32Array.from(p.labels, (l) => classIndex.get(l) ?? -1)
    const trainY = y(train)
    if (columns.label !== undefined) yield* requireTwoClasses({ y: trainY, classNames }, train.file)
    else if (classNames.length < 2) return yield* fail(train.file, `--classes ${classNames.join(",")}: expected at least two classes, separated by commas`, "one-class")
    yield* warnSkipped(path, skipped, total)
    const datasets =
      columns.text !== undefined
        ? textDatasets(name, classNames, { texts: train.texts, y: trainY, ids: train.ids }, { texts: test.texts, y: y(test), ids: test.ids }, {
            ...(options.vocabSize === undefined ? {} : { vocabSize: options.vocabSize }),
            ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
            representation: options.textRepresentation ?? "tfidf"
          })
        : yield* numericDatasets(name, classNames, layout.names, { parsed: train, y: trainY }, { parsed: test, y: y(test) })
    if (columns.text !== undefined && datasets.train.vocabulary?.length === 0) {
      return yield* fail(
        train.file,
        `no word occurs in two or more training documents (column '${columns.text}'): expected texts that share words, for a vocabulary`,
        "bad-format"
      )
    }
    return { ...datasets, ...(skipped.length > 0 ? { skipped } : {}) }
  })
