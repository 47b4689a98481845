import { randomBytes } from "node:crypto"
import { Command } from "@effect/cli"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type LabelSpec, readLabelSpec } from "../run/label-spec.js"
import { integerFlag, textFlag } from "./flags.js"
import { labelExportCommand } from "./label-export-command.js"
import { labelDataFlags, labelDataSpec, loopback, serveUntilStopped, serverFlags } from "./server-flags.js"

export const labelFlags = {
  ...labelDataFlags,
  retrainEvery: integerFlag("retrain_every", "labels between two retrainings", { min: 1, default: 10 }),
  out: textFlag("out", "the run directory", { default: "runs/label" }),
  resume: textFlag("resume", "go on labelling the run in this directory (its label spec and answers)"),
  ...serverFlags(7733, "any address but this machine's needs the token the URL carries"),
  token: textFlag("token", "the token every request must carry (default: none on 127.0.0.1, a random one on any other host)")
}

/** `deal label`: a labelling web app driven by active learning. */
export const labelCommand = Command.make("label", labelFlags, (o) =>
  Effect.gen(function* () {
    const dir = Option.getOrElse(o.resume, () => o.out)
    const spec: LabelSpec = Option.isSome(o.resume)
      ? yield* readLabelSpec(dir)
      : { ...(yield* labelDataSpec(o, "folder:data/pets or jsonl:mail.jsonl (or --resume DIR)")), retrainEvery: o.retrainEvery }
    const host = o.host
    const token = Option.getOrElse(o.token, () => (loopback(host) ? undefined : randomBytes(16).toString("hex")))
    const { startLabelRun } = yield* Effect.promise(() => import("../label/label-run.js"))
    const { url } = yield* startLabelRun(spec, {
      dir,
      resume: Option.isSome(o.resume),
      host,
      port: o.port,
      ...(token === undefined ? {} : { token }),
    })
    return `deal label: labelling ${spec.dataset} at ${url} (run directory ${dir}; Ctrl-C stops; deal label --resume ${dir} goes on)`
  }).pipe(serveUntilStopped(o, "deal label"))
).pipe(
  Command.withDescription(
    "Label data with active learning in the browser: a page shows the items the latest model chooses, a key per class; every answer is on disk before the page is told it was saved, and models retrain in the background every --retrain_every labels."
  )
).pipe(Command.withSubcommands([labelExportCommand]))
