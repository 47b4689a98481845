/**
 * The flags of a command line checked before @effect/cli reads them, so that a typo gets one
 * line with the nearest flag the command knows.
 */
import { options as experimentFlags } from "./experiment-command.js"
import { closest, type FlagNames, flagNames } from "./flags.js"
import { labelFlags } from "./label-command.js"
import { labelExportFlags } from "./label-export-command.js"
import { options as reportFlags } from "./report-command.js"
import { options as runFlags } from "./run-command.js"
import { serveFlags } from "./serve-command.js"
import { options as stopAnalysisFlags } from "./stop-analysis-command.js"
import { options as workerFlags } from "./worker-command.js"

/** The flags each command (and `label export`) takes, besides @effect/cli's own. */
const builtIn = ["--help", "--version", "--wizard", "--completions", "--log-level"]
export const flagsOf: Readonly<Record<string, FlagNames>> = {
  run: flagNames(runFlags),
  experiment: flagNames(experimentFlags),
  report: flagNames(reportFlags),
  "stop-analysis": flagNames(stopAnalysisFlags),
  strategies: flagNames({}),
  stopping: flagNames({}),
  worker: flagNames(workerFlags),
  label: flagNames(labelFlags),
  "label export": flagNames(labelExportFlags),
  serve: flagNames(serveFlags)
}

/**
 * What is wrong with the flags of `args` (a command's and its flags) before @effect/cli reads
 * them: a flag given twice (`--seed` and `--seed`, or `--n_round` and `--n-round`), or one the
 * command does not know (with the nearest it knows).
 */
export const flagProblem = (args: ReadonlyArray<string>): string | undefined => {
  const command = args[0] === "label" && args[1] === "export" ? "label export" : args[0]
  const known = flagsOf[command ?? ""]
  const seen = new Set<string>()
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === "--") return undefined
    if (!arg.startsWith("--")) continue
    const flag = arg.split("=")[0]
    const name = flag.slice(2).replaceAll("-", "_")
    if (seen.has(name)) return `${flag} is given twice: give each flag once`
    seen.add(name)
    if (known !== undefined && !known.names.includes(flag) && !builtIn.includes(flag)) {
      const near = closest(flag, known.names)
      return `deal ${command} has no flag ${flag}${near === undefined ? "" : `; did you mean ${near}?`} (deal ${command} --help lists them)`
    }
    // the value of `--flag VALUE` is not a flag, whatever it starts with
    if (known?.taking.includes(flag) && !arg.includes("=")) i++
  }
  return undefined
}
