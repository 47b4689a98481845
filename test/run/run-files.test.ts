import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs"
import { hostname, tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { writeFileAtomic, sweepTemp } from "../../src/runtime/atomic-write.js"
import { FORMAT_VERSION } from "../../src/run/json-file.js"
import { lockDirectory } from "../../src/run/lock.js"
import { readCheckpoint, readResultsFile, readSpecFile } from "../../src/run/run-files.js"
import { stopAnalysis } from "../../src/run/stop-analysis.js"
import { resolveSpec } from "../../src/run/spec.js"

const tmp = () => mkdtempSync(join(tmpdir(), "deal-files-"))
const message = <E extends { readonly message: string }>(e: Effect.Effect<unknown, E>) =>
  Effect.runPromise(Effect.flip(e)).then((x) => ("file" in x ? `${String(x.file)}: ${x.message}` : x.message))

describe("the run files: one line naming the file for every bad one", () => {
  it("a truncated results.json, an empty one, and one from a newer deal", async () => {
    const dir = tmp()
    writeFileSync(join(dir, "results.json"), '{"spec": {}, "stop": null, "rou')
    const truncated = await message(readResultsFile(dir))
    expect(truncated).toMatch(new RegExp(`^${join(dir, "results.json")}: not valid JSON \\(.*\\): expected a file written by deal`))
    expect(truncated).not.toContain("\n")
    writeFileSync(join(dir, "results.json"), "")
    expect(await message(readResultsFile(dir))).toContain("not valid JSON (the file is empty)")
    writeFileSync(join(dir, "results.json"), JSON.stringify({ formatVersion: FORMAT_VERSION + 1, spec: {}, stop: null, rounds: [] }))
    expect(await message(readResultsFile(dir))).toBe(
      `${join(dir, "results.json")}: written by a newer deal (format ${FORMAT_VERSION + 1}): this deal reads format ${FORMAT_VERSION}; upgrade deal`
    )
    expect(await message(readCheckpoint(dir))).toBe(`${join(dir, "checkpoint.json")}: no checkpoint: the run has not completed a round yet`)
  })

  it("a spec.json with bad fields says each on one line", async () => {
    const dir = tmp()
    writeFileSync(join(dir, "spec.json"), JSON.stringify({ formatVersion: 1, seed: -1, nQuery: "ten" }))
    const text = await message(readSpecFile(dir))
    expect(text).not.toContain("\n")
    expect(text).toMatch(/spec\.json: not a deal run spec: .*nQuery: .*; seed: a seed is an integer from 0 to 4294967295 \(2\^32 − 1\), got -1/)
  })

  it("a run file written before format versions is read as version 1", async () => {
    const dir = tmp()
    writeFileSync(join(dir, "results.json"), JSON.stringify({ spec: {}, backend: "wasm", stop: null, rounds: [] }))
    expect((await Effect.runPromise(readResultsFile(dir))).backend).toBe("wasm")
  })

  it("stop-analysis on a run without observations fails before it writes anything", async () => {
    const dir = tmp()
    writeFileSync(join(dir, "observations.jsonl"), "")
    expect(await message(stopAnalysis(dir))).toBe(
      `${join(dir, "observations.jsonl")}: no observations: the run has not completed a round yet, so there is nothing to analyse`
    )
    expect(readdirSync(dir)).toEqual(["observations.jsonl"])
  })
})

describe("seeds and specs", () => {
  it("seeds are integers in [0, 2^32): 2^32 and −1 are refused, 2^32 − 1 is taken", async () => {
    expect(await message(resolveSpec({ seed: 2 ** 32 }))).toMatch(/^seed: a seed is an integer from 0 to 4294967295/)
    expect(await message(resolveSpec({ seed: -1 }))).toMatch(/^seed: a seed is an integer from 0 to 4294967295/)
    expect((await Effect.runPromise(resolveSpec({ seed: 2 ** 32 - 1 }))).spec.seed).toBe(2 ** 32 - 1)
  })

  it("defaults are filled in once: the spec's, then the model's", async () => {
    const { spec } = await Effect.runPromise(resolveSpec({ model: "gal-cnn" }))
    expect(spec).toMatchObject({ dataset: "mnist", strategy: "entropy", nInitLabeled: 100, nQuery: 100, nRound: 10, seed: 1, epochs: 50, batchSize: 128, learningRate: 1e-3, mcSamples: 20 })
  })
})

describe("atomic writes and the writer's lock", () => {
  it("a failed write leaves no temporary file; sweepTemp removes the ones killed writes left", async () => {
    const dir = tmp()
    mkdirSync(join(dir, "a-folder"))
    // writing a file where a folder is fails at the rename
    const failed = await Effect.runPromiseExit(writeFileAtomic(join(dir, "a-folder"), "x"))
    expect(Exit.isFailure(failed)).toBe(true)
    expect(readdirSync(dir)).toEqual(["a-folder"])
    writeFileSync(join(dir, "results.json.deal-tmp-123-abcd"), "half")
    mkdirSync(join(dir, "models", "round-0001.deal-tmp-9-ffff"), { recursive: true })
    const swept = await Effect.runPromise(sweepTemp(dir))
    expect(swept.map((p) => p.slice(dir.length + 1)).sort()).toEqual(["models/round-0001.deal-tmp-9-ffff", "results.json.deal-tmp-123-abcd"])
    expect(readdirSync(join(dir, "models"))).toEqual([])
  })

  it("refuses a second writer, naming the holder; takes over a dead process's lock, saying so", async () => {
    const dir = tmp()
    // this process, alive, stands for another writer
    writeFileSync(join(dir, ".lock"), JSON.stringify({ pid: process.pid, host: hostname(), since: "2026-01-02T00:00:00.000Z" }))
    const held = await Effect.runPromise(Effect.flip(Effect.scoped(lockDirectory(dir))))
    expect(held.message).toBe(
      `${dir} is being written by pid ${process.pid} on ${hostname()} since 2026-01-02T00:00:00.000Z: wait for it to finish, or remove ${join(dir, ".lock")} if that process is gone`
    )
    // pid 2^22 + 1 is above Linux's pid_max limit: no such process
    writeFileSync(join(dir, ".lock"), JSON.stringify({ pid: 4194305, host: hostname(), since: "2026-01-01T00:00:00.000Z" }))
    const said: Array<string> = []
    await Effect.runPromise(Effect.scoped(lockDirectory(dir, (m) => Effect.sync(() => void said.push(m)))))
    expect(said).toEqual([`took over the lock of pid 4194305 on ${hostname()} (since 2026-01-01T00:00:00.000Z), which is no longer running`])
  })

  it("is taken again by the scope that holds it (a resume reads, then runs), and released with the outer scope", async () => {
    const dir = tmp()
    const inner = await Effect.runPromise(
      Effect.scoped(Effect.zipRight(lockDirectory(dir), Effect.scoped(Effect.zipRight(lockDirectory(dir), Effect.sync(() => existsSync(join(dir, ".lock")))))))
    )
    expect(inner).toBe(true)
    expect(existsSync(join(dir, ".lock"))).toBe(false)
  })

  it("a directory the lock created is removed with it when nothing else was written", async () => {
    const dir = join(tmp(), "out")
    await Effect.runPromise(Effect.scoped(lockDirectory(dir)))
    expect(existsSync(dir)).toBe(false)
  })
})
