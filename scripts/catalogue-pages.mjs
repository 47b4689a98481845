// `npm run docs`: writes the catalogue sections of docs/strategies.md and docs/stopping.md from
// the built catalogues (src/cli/catalogue-pages.ts), leaving the rest of each page as it is.
import { readFileSync, writeFileSync } from "node:fs"
import { cataloguePages, withSection } from "../dist/src/cli/catalogue-pages.js"

for (const { file, section } of cataloguePages) {
  const page = readFileSync(file, "utf8")
  const made = withSection(file, page, section())
  if (made !== page) writeFileSync(file, made)
  console.log(`${file}: ${made === page ? "up to date" : "written"}`)
}
