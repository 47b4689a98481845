import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gzipSync } from "node:zlib"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { packRun, unpackRun } from "../../src/run/run-bundle.js"

/** A run directory's shape: files at the top, a model per round, the writer's lock, a killed write's temp file. */
const runDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "deal-bundle-"))
  writeFileSync(join(dir, "results.csv"), "round,labeled\n0,20\n")
  writeFileSync(join(dir, "checkpoint.json"), '{"round":0}\n')
  mkdirSync(join(dir, "models", "round-0000"), { recursive: true })
  writeFileSync(join(dir, "models", "round-0000", "weights.bin"), Buffer.from([0, 1, 2, 255]))
  writeFileSync(join(dir, ".lock"), '{"pid":1}')
  writeFileSync(join(dir, "results.json.deal-tmp-1-abcd"), "half")
  return dir
}

const files = (dir: string) => (readdirSync(dir, { recursive: true }) as Array<string>).sort()
const bundleOf = (contents: object) => gzipSync(JSON.stringify(contents)).toString("base64")

describe("a run directory packed into one string and unpacked elsewhere (a queue job's checkpoint and result)", () => {
  it("carries every file but the lock and temporary files, and the models only when asked", async () => {
    const dir = runDir()
    const without = join(mkdtempSync(join(tmpdir(), "deal-bundle-")), "a", "seed-1")
    await Effect.runPromise(Effect.flatMap(packRun(dir, { weights: false }), (b) => unpackRun(b, without)))
    expect(files(without)).toEqual(["checkpoint.json", "results.csv"])
    expect(readFileSync(join(without, "results.csv"), "utf8")).toBe("round,labeled\n0,20\n")

    const withModels = join(mkdtempSync(join(tmpdir(), "deal-bundle-")), "run")
    await Effect.runPromise(Effect.flatMap(packRun(dir, { weights: true }), (b) => unpackRun(b, withModels)))
    expect(files(withModels)).toEqual(["checkpoint.json", "models", join("models", "round-0000"), join("models", "round-0000", "weights.bin"), "results.csv"])
    expect([...readFileSync(join(withModels, "models", "round-0000", "weights.bin"))]).toEqual([0, 1, 2, 255])
  })

  it("replaces what the target directory held", async () => {
    const target = runDir()
    writeFileSync(join(target, "stale.csv"), "old")
    await Effect.runPromise(Effect.flatMap(packRun(runDir(), { weights: false }), (b) => unpackRun(b, target)))
    expect(files(target)).toEqual(["checkpoint.json", "results.csv"])
  })

  it("refuses a bundle naming a path outside the directory, or one it cannot read, and writes nothing", async () => {
    const parent = mkdtempSync(join(tmpdir(), "deal-bundle-"))
    const target = join(parent, "run")
    for (const path of ["../escaped.csv", "/etc/escaped", "a/../../escaped", "./x", ""]) {
      const error = await Effect.runPromise(Effect.flip(unpackRun(bundleOf({ deal: "run-bundle/1", files: { [path]: "eA==" } }), target)))
      expect(error.message).toBe(`the run bundle names ${JSON.stringify(path)}: expected paths inside the run directory`)
    }
    for (const bad of ["not base64 gzip", bundleOf({ deal: "something else", files: {} })]) {
      const error = await Effect.runPromise(Effect.flip(unpackRun(bad, target)))
      expect(error.message).toBe("the run bundle cannot be read: expected a deal run bundle (gzipped JSON in base64)")
    }
    expect(readdirSync(parent)).toEqual([])
    expect(existsSync(join(parent, "escaped.csv"))).toBe(false)
  })
})
