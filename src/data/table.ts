/**
 * Tables as datasets: `csv:PATH` (read with arquero) and `jsonl:PATH` (one JSON object per
 * line). A label column and either numeric feature columns (standardised with the training
 * split's mean and standard deviation) or one text column (TF-IDF or token ids, vocabulary from
 * the training split). PATH is a folder holding `train.csv` and `test.csv` (`.jsonl`), or one
 * file that is split into train and test by the seed.
 */
import { readFile, stat } from "node:fs/promises"
import { basename, join } from "node:path"
import * as aq from "arquero"
import { Effect } from "effect"
import { RandomStream } from "../runtime/random.js"
import type { Dataset, DatasetSplits, SkippedItem } from "./dataset.js"
import { DataError } from "./errors.js"
import { type DatasetOptions, warnSkipped } from "./options.js"
import { textDatasets, tokenize } from "./text.js"

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
}

const fail = (file: string, message: string, reason: DataError["reason"]) => Effect.fail(new DataError({ file, message, reason }))

const read = (file: string) =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (e) => new DataError({ file, message: `cannot read file: ${(e as Error).message}`, reason: "unreadable" })
  })

const idOf = (file: string, fields: Readonly<Record<string, unknown>>, n: number) => {
  const id = fields["id"]
  return id === undefined || id === null || id === "" ? `${basename(file)}:${n}` : String(id)
}

const readCsv = (file: string): Effect.Effect<RawTable, DataError> =>
  read(file).pipe(
    Effect.flatMap((text) =>
      Effect.try({
        try: () => aq.fromCSV(text, { autoType: false }),
        catch: (e) => new DataError({ file, message: `cannot parse CSV: ${(e as Error).message}`, reason: "bad-format" })
      })
    ),
    Effect.map((table) => {
      const objects = table.objects() as Array<Record<string, unknown>>
      return {
        file,
        columns: table.columnNames(),
        records: objects.map((fields, i) => ({ where: `row ${i + 1}`, id: idOf(file, fields, i + 1), fields }))
      }
    })
  )

/** JSONL: blank lines are ignored; a line that is not a JSON object is bad input. */
const readJsonl = (file: string, skipped: Array<SkippedItem>, skipBad: boolean): Effect.Effect<RawTable, DataError> =>
  Effect.gen(function* () {
    const lines = (yield* read(file)).split(/\r?\n/)
    const records: Array<Record_> = []
    const columns = new Set<string>()
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
        const message = `line ${i + 1} ${problem}`
        if (skipBad) skipped.push({ file, message })
        else return yield* fail(file, message, "bad-json")
        continue
      }
      const fields = value as Record<string, unknown>
      for (const k of Object.keys(fields)) columns.add(k)
      records.push({ where: `line ${i + 1}`, id: idOf(file, fields, i + 1), fields })
    }
    return { file, columns: [...columns], records }
  })

const isMissing = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "")

/** A numeric field: a number, a numeric string, or (JSONL) an array of them. */
const numbers = (v: unknown): ReadonlyArray<number> | undefined => {
  const one = (x: unknown): number | undefined => {
    const n = typeof x === "number" ? x : typeof x === "string" && x.trim() !== "" ? Number(x) : Number.NaN
    return Number.isFinite(n) ? n : undefined
  }
  if (Array.isArray(v)) {
    const out = v.map(one)
    return out.every((x) => x !== undefined) ? (out as Array<number>) : undefined
  }
  const n = one(v)
  return n === undefined ? undefined : [n]
}

const show = (v: unknown) => (v === undefined ? "missing" : typeof v === "string" ? `'${v}'` : JSON.stringify(v))

interface Columns {
  readonly label: string
  readonly text?: string
  readonly features: ReadonlyArray<string>
}

const chooseColumns = (table: RawTable, options: DatasetOptions): Effect.Effect<Columns, DataError> =>
  Effect.gen(function* () {
    const label = options.label ?? "label"
    const known = table.columns.join(", ")
    const need = (column: string, what: string) =>
      table.columns.includes(column)
        ? Effect.void
        : fail(table.file, `no ${what} column '${column}': the columns are ${known || "none"}`, "bad-format")
    yield* need(label, `label${options.label === undefined ? " (--label)" : ""}`)
    if (options.text !== undefined) {
      yield* need(options.text, "text (--text)")
      return { label, text: options.text, features: [] }
    }
    const features = options.features ?? table.columns.filter((c) => c !== label && c !== "id")
    for (const f of features) yield* need(f, "feature (--features)")
    if (features.length === 0) return yield* fail(table.file, `no feature columns besides the label '${label}': pass --features or --text`, "bad-format")
    return { label, features }
  })

interface Parsed {
  readonly labels: Array<string>
  readonly ids: Array<string>
  /** Where each record is in its file (`row 3`, `line 4`). */
  readonly wheres: Array<string>
  /** Numeric: one row of features per record. Text: its tokens. */
  readonly rows: Array<ReadonlyArray<number>>
  readonly docs: Array<ReadonlyArray<string>>
}

/** Checks and converts each record; bad ones fail, or are skipped with `skipBad`. */
const parseRecords = (
  table: RawTable,
  columns: Columns,
  skipped: Array<SkippedItem>,
  options: DatasetOptions,
  width: { n: number | undefined; where: string }
): Effect.Effect<Parsed, DataError> =>
  Effect.gen(function* () {
    const out: Parsed = { labels: [], ids: [], wheres: [], rows: [], docs: [] }
    for (const r of table.records) {
      const label = r.fields[columns.label]
      let problem: { readonly message: string; readonly reason: DataError["reason"] } | undefined
      let row: Array<number> = []
      if (isMissing(label)) problem = { message: `${r.where}: missing label in column '${columns.label}'`, reason: "missing-label" }
      else if (typeof label === "object") problem = { message: `${r.where}: label ${show(label)} in column '${columns.label}' is not a string or number`, reason: "missing-label" }
      else if (columns.text === undefined) {
        for (const f of columns.features) {
          const v = r.fields[f]
          const xs = numbers(v)
          if (xs === undefined) {
            problem = { message: `${r.where}: column '${f}' is ${show(v)}, expected a number`, reason: "non-numeric" }
            break
          }
          row = row.concat(xs)
        }
        if (problem === undefined && width.n !== undefined && row.length !== width.n) {
          problem = { message: `${r.where}: ${row.length} feature values, expected ${width.n} (as in ${width.where})`, reason: "non-numeric" }
        }
      }
      if (problem !== undefined) {
        if (options.skipBad) skipped.push({ file: table.file, message: problem.message })
        else return yield* fail(table.file, problem.message, problem.reason)
        continue
      }
      if (columns.text === undefined && width.n === undefined) {
        width.n = row.length
        width.where = `${basename(table.file)} ${r.where}`
      }
      out.labels.push(String(label))
      out.ids.push(r.id)
      out.wheres.push(r.where)
      if (columns.text === undefined) out.rows.push(row)
      else {
        const t = r.fields[columns.text]
        out.docs.push(tokenize(isMissing(t) ? "" : typeof t === "string" ? t : JSON.stringify(t)))
      }
    }
    return out
  })

/** Class names sorted numerically when every label is a number, else as strings. */
const sortLabels = (labels: Iterable<string>): Array<string> => {
  const distinct = [...new Set(labels)]
  return distinct.every((l) => Number.isFinite(Number(l)))
    ? distinct.sort((a, b) => Number(a) - Number(b))
    : distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

const pick = <A>(xs: ReadonlyArray<A>, idx: ArrayLike<number>): Array<A> => Array.from(idx, (i) => xs[i])

/** Numeric features standardised with the training split's statistics (no test leakage). */
const numericDatasets = (
  name: string,
  classNames: ReadonlyArray<string>,
  train: { rows: ReadonlyArray<ReadonlyArray<number>>; y: Int32Array; ids: ReadonlyArray<string> },
  test: { rows: ReadonlyArray<ReadonlyArray<number>>; y: Int32Array; ids: ReadonlyArray<string> }
): { train: Dataset; test: Dataset } => {
  const d = train.rows[0]?.length ?? test.rows[0]?.length ?? 0
  const mean = new Float64Array(d)
  const sd = new Float64Array(d)
  for (const r of train.rows) for (let j = 0; j < d; j++) mean[j] += r[j] / train.rows.length
  for (const r of train.rows) for (let j = 0; j < d; j++) sd[j] += (r[j] - mean[j]) ** 2 / train.rows.length
  for (let j = 0; j < d; j++) sd[j] = sd[j] > 0 ? Math.sqrt(sd[j]) : 1
  const make = (split: typeof train): Dataset => {
    const x = new Float32Array(split.rows.length * d)
    split.rows.forEach((r, i) => {
      for (let j = 0; j < d; j++) x[i * d + j] = (r[j] - mean[j]) / sd[j]
    })
    return { name, x, shape: [d], y: split.y, classNames, ids: split.ids, kind: "tabular" }
  }
  return { train: make(train), test: make(test) }
}

/**
 * Loads `csv:PATH` or `jsonl:PATH`. Bad input fails with a `DataError` naming the file and the
 * row (CSV) or line (JSONL): a missing label, a non-numeric feature, a label in the test file
 * that the training file does not have, a JSONL line that is not JSON; `skipBad` skips such
 * records with a warning instead.
 */
export const loadTable = (format: TableFormat, path: string, options: DatasetOptions = {}): Effect.Effect<DatasetSplits, DataError> =>
  Effect.gen(function* () {
    const name = `${format}:${path}`
    const skipped: Array<SkippedItem> = []
    const badLines = { n: 0 }
    const readTable = (file: string) =>
      format === "csv"
        ? readCsv(file)
        : Effect.suspend(() => {
            const before = skipped.length
            return readJsonl(file, skipped, options.skipBad === true).pipe(Effect.tap(() => void (badLines.n += skipped.length - before)))
          })
    const info = yield* Effect.promise(() => stat(path).then((s) => s, () => undefined))
    if (info === undefined) {
      return yield* fail(path, `no such file or folder: expected a .${format} file, or a folder with train.${format} and test.${format}`, "unreadable")
    }
    const width = { n: undefined as number | undefined, where: "" }
    let classNames: Array<string>
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
      const columns = yield* chooseColumns(trainTable, options)
      train = yield* parseRecords(trainTable, columns, skipped, options, width)
      classNames = sortLabels(train.labels)
      const testTable = yield* readTable(files.test)
      yield* chooseColumns(testTable, options)
      const parsed = yield* parseRecords(testTable, columns, skipped, options, width)
      const known = new Set(classNames)
      const keep: Array<number> = []
      for (let i = 0; i < parsed.labels.length; i++) {
        if (known.has(parsed.labels[i])) {
          keep.push(i)
          continue
        }
        const message = `${parsed.wheres[i]}: label '${parsed.labels[i]}' is not a class of the training data: expected one of ${classNames.join(", ")}`
        if (options.skipBad) skipped.push({ file: files.test, message })
        else return yield* fail(files.test, message, "unknown-label")
      }
      test = {
        labels: pick(parsed.labels, keep),
        ids: pick(parsed.ids, keep),
        wheres: pick(parsed.wheres, keep),
        rows: pick(parsed.rows, keep),
        docs: pick(parsed.docs, keep)
      }
      total = trainTable.records.length + testTable.records.length
    } else {
      const table = yield* readTable(path)
      const columns = yield* chooseColumns(table, options)
      const all = yield* parseRecords(table, columns, skipped, options, width)
      classNames = sortLabels(all.labels)
      const n = all.labels.length
      const fraction = options.testFraction ?? 0.2
      const nTest = Math.min(n - 1, Math.max(1, Math.round(n * fraction)))
      const perm = RandomStream.make(options.seed ?? 0, "split", "test").permutation(n)
      const testIdx = perm.slice(0, nTest).sort()
      const trainIdx = perm.slice(nTest).sort()
      const part = (idx: Int32Array): Parsed => ({
        labels: pick(all.labels, idx),
        ids: pick(all.ids, idx),
        wheres: pick(all.wheres, idx),
        rows: pick(all.rows, idx),
        docs: pick(all.docs, idx)
      })
      train = part(trainIdx)
      test = part(testIdx)
      total = table.records.length
    }
    if (train.labels.length === 0) return yield* fail(path, "no usable training records", "bad-format")
    const classIndex = new Map(classNames.map((c, i) => [c, i]))
    const y = (p: Parsed) => Int32Array.from(p.labels, (l) => classIndex.get(l)!)
    yield* warnSkipped(path, skipped, total + badLines.n)
    const datasets =
      options.text !== undefined
        ? textDatasets(name, classNames, { docs: train.docs, y: y(train), ids: train.ids }, { docs: test.docs, y: y(test), ids: test.ids }, {
            ...(options.vocabSize === undefined ? {} : { vocabSize: options.vocabSize }),
            ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
            representation: options.textRepresentation ?? "tfidf"
          })
        : numericDatasets(name, classNames, { rows: train.rows, y: y(train), ids: train.ids }, { rows: test.rows, y: y(test), ids: test.ids })
    return { ...datasets, ...(skipped.length > 0 ? { skipped } : {}) }
  })
