import { Command } from "@effect/cli"
import * as Console from "effect/Console"
import { poolExhausted } from "../stopping/budget.js"
import { stoppingCatalogue } from "../stopping/catalogue.js"

/**
 * Every stopping criterion of the catalogue: its name with the parameter `name=value` sets (and
 * that parameter's default), its rule, direction and citation; then the criterion every run has.
 */
export const stoppingListing = (): string =>
  [
    ...Object.entries(stoppingCatalogue).map(([name, e]) => {
      const parameter = e.required
        ? `${name}=<${e.parameter}>  (required${e.max === undefined ? "" : `, at most ${e.max}`})`
        : `${name}[=<${e.parameter}>]  (default ${e.default})`
      return `${parameter}\n  ${e.doc.rule}${e.doc.direction ? `\n  direction: ${e.doc.direction}` : ""}\n  ${e.doc.citation}`
    }),
    `\nEvery run also has max-rounds=<--n_round> and ${poolExhausted.name} (${poolExhausted.doc?.rule}).` +
      `\n--stopping a,b adds criteria; a run stops at the first that fires.`
  ].join("\n")

/** `deal stopping`: every stopping criterion with its parameter, rule, direction and citation. */
export const stoppingCommand = Command.make("stopping", {}, () => Console.log(stoppingListing())).pipe(
  Command.withDescription("List the stopping criteria with their parameters, rules, directions and citations.")
)
