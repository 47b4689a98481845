// docs/strategies.md and docs/stopping.md list the catalogues as the catalogues describe
// themselves: the committed pages are what `npm run docs` makes of them.
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { cataloguePages, withSection } from "../../src/cli/catalogue-pages.js"
import { stoppingCatalogue } from "../../src/stopping/catalogue.js"
import { strategyCatalogue } from "../../src/strategies/catalogue.js"

const root = join(import.meta.dirname, "../..")

describe("the catalogue pages", () => {
  it.each(cataloguePages.map((p) => [p.file, p] as const))("%s is what npm run docs makes of the catalogue", (file, { section }) => {
    const page = readFileSync(join(root, file), "utf8")
    expect(withSection(file, page, section()), `${file} is stale: run npm run docs`).toBe(page)
  })

  it("name every strategy and criterion, each with its rule and citation", () => {
    const strategies = readFileSync(join(root, "docs/strategies.md"), "utf8")
    for (const s of strategyCatalogue) expect(strategies).toContain(`| \`${s.name}\` |`)
    const stopping = readFileSync(join(root, "docs/stopping.md"), "utf8")
    for (const name of Object.keys(stoppingCatalogue)) expect(stopping).toContain(`| \`${name}\` |`)
  })

  it("come from each strategy's and criterion's doc alone: no header says the rule or direction again", () => {
    const twice = ["src/strategies", "src/stopping"].flatMap((dir) =>
      readdirSync(join(root, dir))
        .filter((f) => f.endsWith(".ts"))
        .flatMap((f) => (/^ \* (Rule|Direction):/m.test(readFileSync(join(root, dir, f), "utf8")) ? [`${dir}/${f}`] : []))
    )
    expect(twice).toEqual([])
  })

  it("refuse a page without its markers", () => {
    expect(() => withSection("docs/x.md", "# x\n", "| a |")).toThrow(/docs\/x.md: expected the markers/)
  })
})
