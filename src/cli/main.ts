#!/usr/bin/env node
import { Command, ValidationError } from "@effect/cli"
import type { Teardown } from "@effect/platform/Runtime"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { describeFailure } from "../runtime/failure.js"
import { experimentCommand } from "./experiment-command.js"
import { flagProblem } from "./flag-check.js"
import { labelCommand } from "./label-command.js"
import { lineLogger } from "./line-logger.js"
import { reportCommand } from "./report-command.js"
import { runCommand } from "./run-command.js"
import { serveCommand } from "./serve-command.js"
import { stopAnalysisCommand } from "./stop-analysis-command.js"
import { stoppingCommand } from "./stopping-command.js"
import { strategiesCommand } from "./strategies-command.js"
import { workerCommand } from "./worker-command.js"

class FlagError extends Data.TaggedError("FlagError")<{ readonly message: string }> {}

const commands = [runCommand, experimentCommand, reportCommand, stopAnalysisCommand, strategiesCommand, stoppingCommand, workerCommand, labelCommand, serveCommand] as const
const deal = Command.make("deal").pipe(Command.withDescription("deal: deep active learning for TypeScript"), Command.withSubcommands(commands))

const cli = Command.run(deal, { name: "deal", version: "0.1.0" })

/** One line per failure: @effect/cli has printed its own validation errors already. */
const report = (cause: Cause.Cause<unknown>) => {
  if (Cause.isInterruptedOnly(cause)) return Effect.void
  const failure = Cause.failureOption(cause)
  if (failure._tag === "Some" && ValidationError.isValidationError(failure.value)) return Effect.void
  return Console.error(`deal: ${describeFailure(cause)}`)
}

/**
 * Ctrl-C (SIGINT) and SIGTERM interrupt the command (runMain's own handlers): its finalizers run
 * (a round's writes complete, locks are released, the command says where it stopped), and deal
 * exits 130 or 143, as a shell expects of a process stopped by that signal.
 */
let signal: "SIGINT" | "SIGTERM" | undefined
for (const s of ["SIGINT", "SIGTERM"] as const) process.prependListener(s, () => void (signal ??= s))

const teardown: Teardown = (exit, onExit) =>
  onExit(signal === "SIGINT" ? 130 : signal === "SIGTERM" ? 143 : Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause) ? 1 : 0)

const problem = flagProblem(process.argv.slice(2))
Effect.zipRight(problem === undefined ? Effect.void : Effect.fail(new FlagError({ message: problem })), cli(process.argv)).pipe(
  Effect.tapErrorCause(report),
  Effect.provide(Layer.merge(NodeContext.layer, lineLogger("deal"))),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    disablePrettyLogger: true,
    teardown
  })
)
