/**
 * The catalogue sections of `docs/strategies.md` and `docs/stopping.md`, made from the catalogues'
 * own docs (each strategy's and criterion's citation, rule and direction, written once in its
 * file), between two markers in each page; the text around them is the page's own. `npm run docs`
 * writes them (`scripts/catalogue-pages.mjs`), and a test fails when a committed page differs.
 */
import { poolExhausted } from "../stopping/budget.js"
import { stoppingCatalogue } from "../stopping/catalogue.js"
import { strategyCatalogue } from "../strategies/catalogue.js"
import type { StrategyNeed } from "../strategies/strategy.js"
import { table, toMarkdown } from "../report/document.js"

const begin = "<!-- generated from the catalogue by `npm run docs`: edit the strategy or criterion's file, not this table -->"
const end = "<!-- end of the generated catalogue -->"

const needNames: Record<StrategyNeed, string> = {
  probabilities: "probabilities",
  mcProbabilities: "MC-dropout passes",
  embeddings: "embeddings",
  labeledEmbeddings: "labelled embeddings",
  gradientEmbeddings: "gradient embeddings",
  labeledGradientEmbeddings: "labelled gradient embeddings",
  model: "the model"
}

const markdownTable = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) =>
  toMarkdown({ title: "", blocks: [table(header, rows, header.map(() => "left"))] }).trimEnd()

/** Every strategy of the catalogue: name, aliases, what it needs, rule, direction, citation. */
export const strategyTable = (): string =>
  markdownTable(
    ["name", "aliases", "needs", "rule", "direction", "citation"],
    strategyCatalogue.map((s) => [
      `\`${s.name}\``,
      s.aliases.map((a) => `\`${a}\``).join(", "),
      s.needs.length === 0 ? "nothing" : s.needs.map((n) => needNames[n]).join(", "),
      s.doc.rule,
      s.doc.direction ?? "",
      s.doc.citation
    ])
  )

/** Every stopping criterion of the catalogue: name and parameter (default), rule, direction, citation; then the pool's end. */
export const stoppingTable = (): string =>
  markdownTable(
    ["name", "parameter (default)", "rule", "direction", "citation"],
    [
      ...Object.entries(stoppingCatalogue).map(([name, e]) => [
        `\`${name}\``,
        e.required ? `${e.parameter} (required${e.max === undefined ? "" : `, at most ${e.max}`})` : `${e.parameter} (${e.default})`,
        e.doc.rule,
        e.doc.direction ?? "",
        e.doc.citation
      ]),
      [`\`${poolExhausted.name}\``, "none: every run has it", poolExhausted.doc?.rule ?? "", poolExhausted.doc?.direction ?? "", poolExhausted.doc?.citation ?? ""]
    ]
  )

/** The pages and what goes between their markers. */
export const cataloguePages: ReadonlyArray<{ readonly file: string; readonly section: () => string }> = [
  { file: "docs/strategies.md", section: strategyTable },
  { file: "docs/stopping.md", section: stoppingTable }
]

/** `page` with its generated section made anew; a page without both markers, in order, is refused. */
export const withSection = (file: string, page: string, section: string): string => {
  const from = page.indexOf(begin)
  const to = page.indexOf(end)
  if (from < 0 || to < from) throw new Error(`${file}: expected the markers ${begin} and ${end}, in that order`)
  return `${page.slice(0, from + begin.length)}\n\n${section}\n\n${page.slice(to)}`
}
