/**
 * `deal label export`: the answers of a labelling run as rows, one per standing answer (an undone
 * answer is left out; two annotators' conflicting answers are both in), each with the item's
 * label by the rule of `answers.ts`.
 */
import { itemAnswers, type LogEntry, standingAnswers } from "../run/answers.js"

export interface ExportRow {
  /** The item: an image's path in the dataset, or a row's id. */
  readonly item: string
  /** This answer's class (empty for a skip or "not sure"). */
  readonly label: string
  readonly answer: "label" | "skip" | "unsure"
  readonly annotator: string
  /** When it was recorded (ISO 8601). */
  readonly time: string
  /** The item's label by the rule: the majority of its answers, the latest among ties. */
  readonly final_label: string
}

export const exportColumns: ReadonlyArray<keyof ExportRow> = ["item", "label", "answer", "annotator", "time", "final_label"]

export const exportRows = (entries: ReadonlyArray<LogEntry>): Array<ExportRow> => {
  const items = itemAnswers(entries)
  return standingAnswers(entries).map((e) => ({
    item: e.item,
    label: "label" in e.answer ? e.answer.label : "",
    answer: "label" in e.answer ? "label" : "skip" in e.answer ? "skip" : "unsure",
    annotator: e.annotator ?? "",
    time: e.at,
    final_label: items.get(e.item)?.label ?? ""
  }))
}

/** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value)

/** The rows as CSV with a header line, or as JSONL (one object per line). */
export const formatExport = (rows: ReadonlyArray<ExportRow>, format: "csv" | "jsonl"): string =>
  format === "jsonl"
    ? rows.map((r) => `${JSON.stringify(r)}\n`).join("")
    : [exportColumns.join(","), ...rows.map((r) => exportColumns.map((c) => csvField(r[c])).join(","))].map((l) => `${l}\n`).join("")
