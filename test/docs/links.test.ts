// Every link between the project's own documents leads somewhere: a relative link in a Markdown
// file names a file that exists (and, with #anchor, a heading of it), and every citation
// "FILE.md §N.M" in the sources, specs and reports names a file with that section.
import { execFileSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { dirname, join, normalize } from "node:path"
import { describe, expect, it } from "vitest"

const root = normalize(join(import.meta.dirname, "../.."))
const tracked = (pattern: string) => execFileSync("git", ["ls-files", pattern], { cwd: root, encoding: "utf8" }).split("\n").filter((f) => f !== "")

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-")
const anchorsOf = (file: string) => new Set(readFileSync(join(root, file), "utf8").split("\n").filter((l) => /^#{1,6} /.test(l)).map((l) => anchor(l.replace(/^#+ /, ""))))

describe("the documents' links", () => {
  it("lead to files that exist, and to headings that exist", () => {
    const broken: Array<string> = []
    for (const file of tracked("*.md")) {
      const text = readFileSync(join(root, file), "utf8").replace(/```[\s\S]*?```/g, "")
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue
        const [path, hash] = target.split("#")
        const to = path === "" ? file : normalize(join(dirname(file), path))
        if (!existsSync(join(root, to))) broken.push(`${file}: ${target} (no ${to})`)
        else if (hash !== undefined && to.endsWith(".md") && !anchorsOf(to).has(hash)) broken.push(`${file}: ${target} (no heading #${hash} in ${to})`)
      }
    }
    expect(broken).toEqual([])
  })

  it("cite sections of files that exist: FILE.md §N.M", () => {
    const broken: Array<string> = []
    const sources = [...tracked("src/*.ts"), ...tracked("experiments/*.json"), ...tracked("*.md")]
    for (const file of sources) {
      const text = readFileSync(join(root, file), "utf8")
      for (const [, cited, section] of text.matchAll(/([\w./-]+\.md) §(\d+(?:\.\d+)*)/g)) {
        const to = existsSync(join(root, cited)) ? cited : normalize(join(dirname(file), cited))
        if (!existsSync(join(root, to))) broken.push(`${file}: ${cited} (no such file)`)
        else if (!readFileSync(join(root, to), "utf8").split("\n").some((l) => new RegExp(`^#+ ${section.replace(/\./g, "\\.")}[ .]`).test(l))) broken.push(`${file}: ${cited} §${section} (no such section)`)
      }
    }
    expect(broken).toEqual([])
  })
})
