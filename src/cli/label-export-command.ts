import { join } from "node:path"
import { Args, Command } from "@effect/cli"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { runFile } from "../run/run-file-names.js"
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
      const [{ exportRows, formatExport }, { readLabelsLog }, { writeFileAtomic }] = yield* Effect.promise(() =>
        Promise.all([import("../label/export.js"), import("../run/labels-log.js"), import("../runtime/atomic-write.js")])
      )
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
