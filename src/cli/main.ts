#!/usr/bin/env node
import { Command, ValidationError } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Cause, Console, Effect } from "effect"
import { experimentCommand } from "./experiment-command.js"
import { reportCommand } from "./report-command.js"
import { runCommand } from "./run-command.js"
import { stopAnalysisCommand } from "./stop-analysis-command.js"
import { strategiesCommand } from "./strategies-command.js"

const deal = Command.make("deal").pipe(
  Command.withDescription("deal: deep active learning for TypeScript"),
  Command.withSubcommands([runCommand, experimentCommand, reportCommand, stopAnalysisCommand, strategiesCommand])
)

const cli = Command.run(deal, { name: "deal", version: "0.1.0" })

/** One line per failure: @effect/cli has printed its own validation errors already. */
const report = (cause: Cause.Cause<unknown>) => {
  if (Cause.isInterruptedOnly(cause)) return Effect.void
  const failure = Cause.failureOption(cause)
  if (failure._tag === "Some" && ValidationError.isValidationError(failure.value)) return Effect.void
  const e = failure._tag === "Some" ? failure.value : Cause.squash(cause)
  const tag = typeof e === "object" && e !== null && "_tag" in e ? `${String(e._tag)}: ` : ""
  const where = typeof e === "object" && e !== null && "file" in e ? `${String(e.file)}: ` : ""
  const message = typeof e === "object" && e !== null && "message" in e ? String(e.message) : String(e)
  return Console.error(`deal: ${tag}${where}${message}`)
}

cli(process.argv).pipe(
  Effect.tapErrorCause(report),
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({ disableErrorReporting: true })
)
