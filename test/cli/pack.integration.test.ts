// deal as another project gets it: `npm pack` makes a package that installs in an empty folder,
// whose `deal` command runs and whose API (and only its API) imports. Needs the npm registry for
// the dependencies (the npm cache serves what it holds); skips, saying so, where it is unreachable.
import { execFile, spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "../..")
const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version
const registry = spawnSync("npm", ["ping"], { encoding: "utf8", timeout: 30_000 })
const reachable = registry.status === 0
if (!reachable) console.log(`skipping the packed-package test: the npm registry is unreachable (npm ping: ${(registry.stderr || registry.error?.message || "").trim().split("\n")[0]})`)

const work = mkdtempSync(join(tmpdir(), "deal-pack-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** The command's output; run asynchronously, so the test's worker stays responsive while npm installs. */
const run = async (command: string, args: ReadonlyArray<string>, cwd: string) => (await promisify(execFile)(command, args, { cwd, encoding: "utf8", timeout: 600_000 })).stdout

describe.skipIf(!reachable)("the packed package", () => {
  it("installs in an empty folder; its deal command runs; its API imports, and its internals do not", async () => {
    const packed = (await run("npm", ["pack", "--ignore-scripts", "--pack-destination", work], root)).trim().split("\n").at(-1)!
    expect(packed).toBe(`deal-active-learning-${version}.tgz`)
    const app = join(work, "app")
    mkdirSync(app)
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }))
    // no install scripts: onnxruntime-node's would download CUDA libraries, and deal needs none
    await run("npm", ["install", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund", join(work, packed)], app)

    expect((await run("node", [join(app, "node_modules/.bin/deal"), "--version"], app)).trim()).toBe(version)
    writeFileSync(
      join(app, "use.mjs"),
      [
        'import { Run, Strategies } from "deal-active-learning"',
        'import { strategyLaws } from "deal-active-learning/testing"',
        'console.log(typeof Run.activeLearning, Strategies.findStrategy("EntropySampling").name, typeof strategyLaws)',
        'await import("deal-active-learning/dist/src/strategies/kernels/top-k.js").then(() => console.log("internals import"), (e) => console.log(e.code))'
      ].join("\n")
    )
    expect((await run("node", ["use.mjs"], app)).trim().split("\n")).toEqual(["function entropy function", "ERR_PACKAGE_PATH_NOT_EXPORTED"])
  }, 900_000)
})
