import { Args, Command } from "@effect/cli"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { SpecError } from "../run/spec.js"
import { parseDecimal } from "../runtime/decimal.js"
import { booleanFlag, commaList, textFlag } from "./flags.js"

export const options = {
  dir: Args.directory({ name: "DIR", exists: "yes" }).pipe(Args.withDescription("a grid directory written by deal experiment, or one run's (deal run, deal label)")),
  stopping: booleanFlag("stopping", "add the stopping summary: deal stop-analysis on every run, per criterion labels and accuracy at stop (default: as the grid spec says)"),
  targets: textFlag("targets", "test accuracies to read the labels needed off, comma-separated, e.g. 0.9,0.95 (default: the grid spec's, else 0.8,0.9,0.95)")
}

const parseTargets = (text: string) => {
  const parts = commaList(text)
  const targets = parts.map((p) => parseDecimal(p) ?? Number.NaN)
  return parts.length > 0 && targets.every((t) => t > 0 && t <= 1)
    ? Effect.succeed(targets)
    : Effect.fail(new SpecError({ message: `--targets: expected accuracies in (0, 1] separated by commas, e.g. 0.9,0.95, got '${text}'` }))
}

/** `deal report DIR`: learning curves, AUBC, labels to reach an accuracy (and stopping), under DIR/report/. */
export const reportCommand = Command.make("report", options, (o) =>
  Effect.gen(function* () {
    const targets = Option.isSome(o.targets) ? yield* parseTargets(o.targets.value) : undefined
    const { gridReport } = yield* Effect.promise(() => import("../grid/report.js"))
    const report = yield* gridReport(o.dir, {
      ...(o.stopping ? { stopping: true } : {}),
      targets
    })
    if (report.missing.length > 0) yield* Console.error(`deal: warn: no results yet for ${report.missing.join(", ")}`)
    const markdown = report.files.find((f) => f.endsWith("summary.md"))
    yield* Console.log(`wrote ${report.files.length} files to ${o.dir}/report/ (open index.html; summary in ${markdown})`)
  })
).pipe(
  Command.withDescription(
    "Report on a grid written by deal experiment (or on one run): learning curves (mean ± std over seeds) as SVG, area under the budget curve, " +
      "labels to reach given accuracies beside the paper's, tables as CSV and Markdown, one self-contained index.html."
  )
)
