import { join } from "node:path"
import { Args, Command } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import { exportRows, formatExport } from "../label/export.js"
import { readLabelsLog } from "../run/labels-log.js"
import { runFile } from "../run/run-files.js"
import { writeFileAtomic } from "../runtime/atomic-write.js"
import { choiceFlag, textFlag } from "./flags.js"

/** `deal label export DIR`: people's answers as CSV or JSONL. */
export const labelExportFlags = {
  dir: Args.directory({ name: "DIR", exists: "yes" }).pipe(Args.withDescription("a run directory written by deal label")),
  format: choiceFlag("format", "the file format", ["csv", "jsonl"], { default: "csv" }),
  out: textFlag("out", "write to this file (default: standard output)")
}

export const labelExportCommand = Command.make(
  "export",
  labelExportFlags,
  (o) =>
    Effect.gen(function* () {
      const { entries } = yield* readLabelsLog(join(o.dir, runFile.labels))
      const text = formatExport(exportRows(entries), o.format)
      if (Option.isSome(o.out)) yield* writeFileAtomic(o.out.value, text)
      else yield* Console.log(text.trimEnd())
    })
).pipe(
  Command.withDescription(
    "deal label export DIR [--format csv|jsonl] [--out FILE]: one row per answer that stands (undone ones left out, conflicting ones all in): item, label, answer (label, skip or unsure), annotator, time, and the item's final label (the majority of its answers, the latest among ties)"
  )
)
