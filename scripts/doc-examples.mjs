// The `@example`s of src/: each a ```ts fence in the doc comment of an exported declaration
// becomes a module test/docs/examples/<room>-<name>.ts, which `npm test` type-checks (tsc) and
// runs (test/docs/examples.test.ts, which also fails when a committed module is stale).
// `npm run docs` writes them: node scripts/doc-examples.mjs.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"

export const examplesDir = "test/docs/examples"

const sources = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []))

/** Every example of src/ under `root`: its module's file name and text. */
export const docExamples = (root) =>
  sources(join(root, "src"))
    .sort()
    .flatMap((file) => {
      const text = readFileSync(file, "utf8")
      const path = relative(root, file)
      return [...text.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export (?:declare )?(?:const|function|class|interface|type) (\w+)/g)].flatMap(([, comment, name]) => {
        const lines = comment.split("\n").map((l) => l.replace(/^\s*\* ?/, ""))
        const at = lines.findIndex((l) => l.startsWith("@example"))
        if (at < 0) return []
        const open = lines.indexOf("```ts", at)
        const close = lines.indexOf("```", open + 1)
        if (open < 0 || close < 0) throw new Error(`${path}: the @example of ${name} has no \`\`\`ts fence`)
        const room = path.split("/")[1].replace(/\.ts$/, "")
        return [{ file: `${room}-${name}.ts`, text: `// The @example of ${name} in ${path} (written by npm run docs; edit it there).\n${lines.slice(open + 1, close).join("\n")}\n` }]
      })
    })

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(import.meta.url), "../..")
  const dir = join(root, examplesDir)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const examples = docExamples(root)
  for (const { file, text } of examples) writeFileSync(join(dir, file), text)
  console.log(`${examplesDir}: ${examples.length} examples written`)
}
