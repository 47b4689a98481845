// The rooms of ../shared/DESIGN.md and the one way their imports point: cli → (label, grid) → run →
// loop → (strategies, stopping, models, backbones, data, report) → runtime. A module may import
// its own room and the rooms below it, never a room above or beside it on its floor (the middle
// floor's rooms may use models, the data and the ground floor).
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join, normalize, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const src = fileURLToPath(new URL("../../src", import.meta.url))
const floor: Record<string, number> = { runtime: 0, data: 1, models: 2, backbones: 3, strategies: 3, stopping: 3, report: 3, loop: 4, run: 5, label: 6, grid: 6, cli: 7, testing: 7 }

const modules = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? modules(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []))

const importsOf = (file: string) =>
  Array.from(readFileSync(file, "utf8").matchAll(/(?:from\s+|import\(\s*)["'](\.{1,2}\/[^"']+)["']/g), (m) => relative(src, normalize(join(dirname(file), m[1]))))

describe("the layering of ../shared/DESIGN.md", () => {
  it("has no import arrow pointing up or across a floor", () => {
    const upward = modules(src).flatMap((file) => {
      const room = relative(src, file).split("/")[0]
      if (floor[room] === undefined) return []
      return importsOf(file).flatMap((target) => {
        const to = target.split("/")[0]
        return to !== room && floor[to] !== undefined && floor[to] >= floor[room] ? [`${relative(src, file)} → ${target}`] : []
      })
    })
    expect(upward).toEqual([])
  })

  it("knows every room under src/", () => {
    const rooms = readdirSync(src, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)
    expect(rooms.filter((r) => floor[r] === undefined)).toEqual([])
  })
})
