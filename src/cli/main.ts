#!/usr/bin/env node
import { Command, ValidationError } from "@effect/cli"
import type { Teardown } from "@effect/platform/Runtime"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Console, Data, Effect, Exit } from "effect"
import { experimentCommand, experimentStatusCommand } from "./experiment-command.js"
import { reportCommand } from "./report-command.js"
import { runCommand } from "./run-command.js"
import { stopAnalysisCommand } from "./stop-analysis-command.js"
import { stoppingCommand } from "./stopping-command.js"
import { strategiesCommand } from "./strategies-command.js"
import { workerCommand } from "./worker-command.js"
import { labelExportCommand } from "./label-export-command.js"
import { labelCommand } from "./label-command.js"
import { serveCommand } from "./serve-command.js"

class FlagError extends Data.TaggedError("FlagError")<{ readonly message: string }> {}

const deal = Command.make("deal").pipe(
  Command.withDescription("deal: deep active learning for TypeScript"),
  Command.withSubcommands([runCommand, experimentCommand, experimentStatusCommand, reportCommand, stopAnalysisCommand, strategiesCommand, stoppingCommand, workerCommand, labelCommand, labelExportCommand, serveCommand])
)

const cli = Command.run(deal, { name: "deal", version: "0.1.0" })

/** One line per failure: @effect/cli has printed its own validation errors already. */
const report = (cause: Cause.Cause<unknown>) => {
  if (Cause.isInterruptedOnly(cause)) return Effect.void
  const failure = Cause.failureOption(cause)
  if (failure._tag === "Some" && ValidationError.isValidationError(failure.value)) return Effect.void
  const e = failure._tag === "Some" ? failure.value : Cause.squash(cause)
  const tag = typeof e === "object" && e !== null && "_tag" in e ? `${String(e._tag)}: ` : ""
  const where =
    typeof e === "object" && e !== null && "file" in e ? `${String(e.file)}: ` : typeof e === "object" && e !== null && "backbone" in e ? `backbone '${String(e.backbone)}': ` : ""
  const message = typeof e === "object" && e !== null && "message" in e ? String(e.message) : String(e)
  return Console.error(`deal: ${tag}${where}${message}`)
}

/**
 * Ctrl-C (SIGINT) and SIGTERM interrupt the command (runMain's own handlers): its finalizers run
 * (a round's writes complete, locks are released, the command says where it stopped), and deal
 * exits 130 or 143, as a shell expects of a process stopped by that signal.
 */
let signal: "SIGINT" | "SIGTERM" | undefined
for (const s of ["SIGINT", "SIGTERM"] as const) process.prependListener(s, () => void (signal ??= s))

/** The first flag given twice (`--seed` and `--seed`, or `--n_round` and `--n-round`), if any. */
export const repeatedFlag = (args: ReadonlyArray<string>): string | undefined => {
  const seen = new Set<string>()
  for (const arg of args) {
    if (arg === "--") return undefined
    if (!arg.startsWith("--")) continue
    const name = arg.slice(2).split("=")[0].replaceAll("-", "_")
    if (seen.has(name)) return arg.split("=")[0]
    seen.add(name)
  }
  return undefined
}

const teardown: Teardown = (exit, onExit) =>
  onExit(signal === "SIGINT" ? 130 : signal === "SIGTERM" ? 143 : Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause) ? 1 : 0)

/**
 * `deal experiment status DIR` is the command `experiment-status`, and `deal label export DIR`
 * `label-export` (@effect/cli reads a command's own arguments before its subcommands', so
 * `experiment SPEC` cannot also have `status`).
 */
export const commandLine = (argv: ReadonlyArray<string>): ReadonlyArray<string> => {
  const pair = `${argv[2]} ${argv[3]}`
  return pair === "experiment status" || pair === "label export" ? [...argv.slice(0, 2), `${argv[2]}-${argv[3]}`, ...argv.slice(4)] : argv
}

const repeated = repeatedFlag(process.argv.slice(2))
Effect.zipRight(
  repeated === undefined ? Effect.void : Effect.fail(new FlagError({ message: `${repeated} is given twice: give each flag once` })),
  cli(commandLine(process.argv))
).pipe(
  Effect.tapErrorCause(report),
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    teardown
  })
)
