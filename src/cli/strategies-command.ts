import { Command } from "@effect/cli"
import * as Console from "effect/Console"
import { strategyCatalogue } from "../strategies/catalogue.js"

/** `deal strategies`: every strategy with its rule, aliases and citation. */
export const strategiesCommand = Command.make("strategies", {}, () =>
  Console.log(
    strategyCatalogue
      .map(
        (s) =>
          `${s.name}${s.aliases.length ? ` (${s.aliases.join(", ")})` : ""}\n  ${s.doc.rule}` +
          `${s.doc.direction ? `\n  direction: ${s.doc.direction}` : ""}` +
          `${s.needs.length ? `\n  needs: ${s.needs.join(", ")}` : ""}\n  ${s.doc.citation}`
      )
      .join("\n") +
      "\n\nComposed: S1*w1+S2*w2 (scored strategies, by percentile rank); balanced(S) (S's order in equal shares of the" +
      "\npredicted classes, as small-text's ClassBalancer); subsample(S,m) (S on m seeded random candidates)."
  )
).pipe(Command.withDescription("List the query strategies with their rules, directions, needs and citations."))
