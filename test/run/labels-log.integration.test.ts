import { spawn } from "node:child_process"
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { openLabelsLog, readLabelsLog } from "../../src/run/labels-log.js"

/** Kills of the writer (each costs a Node start, about 1.3 s; `DEAL_TEST_KILLS` for more). */
const KILLS = Number(process.env.DEAL_TEST_KILLS ?? 5)

const dir = () => mkdtempSync(join(tmpdir(), "deal-labels-"))
const withLog = <A>(d: string, use: (log: Effect.Effect.Success<ReturnType<typeof openLabelsLog>>) => Effect.Effect<A, unknown>) =>
  Effect.runPromise(Effect.scoped(Effect.flatMap(openLabelsLog(d), use)))
const lines = (d: string) => readFileSync(join(d, "labels.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>)

describe("the labels log: every answer on disk before it is acknowledged", () => {
  it("records answers and undos, one line each, and reads them back after reopening; a request sent again is recorded once", async () => {
    const d = dir()
    await withLog(d, (log) =>
      Effect.gen(function* () {
        const first = yield* log.answer({ request: "q1", item: "unlabeled/a.png", answer: { label: "cat" }, annotator: "ana" })
        expect(first).toMatchObject({ repeated: false, entry: { seq: 1, item: "unlabeled/a.png", answer: { label: "cat" }, annotator: "ana" } })
        const again = yield* log.answer({ request: "q1", item: "unlabeled/a.png", answer: { label: "dog" } })
        expect(again).toEqual({ repeated: true, entry: first.entry })
        yield* log.answer({ request: "q2", item: "unlabeled/b.png", answer: { skip: true } })
        const undone = yield* log.undo({ request: "u1", annotator: "ana" })
        expect(undone?.undone.seq).toBe(1)
        expect((yield* log.undo({ request: "u1", annotator: "ana" }))?.repeated).toBe(true)
        expect(yield* log.undo({ request: "u2", annotator: "ana" })).toBeUndefined()
      })
    )
    expect(lines(d).map((l) => l.seq)).toEqual([1, 2, 3])
    expect(lines(d)[2]).toMatchObject({ undo: 1, annotator: "ana", request: "u1" })
    const reopened = await withLog(d, (log) => log.entries)
    expect(reopened.map((e) => e.seq)).toEqual([1, 2, 3])
    // after a reopen, the same request is still recognised
    expect(await withLog(d, (log) => log.answer({ request: "q2", item: "unlabeled/b.png", answer: { skip: true } }))).toMatchObject({ repeated: true })
  })

  it("cuts off a torn last line (a write the kill interrupted, never acknowledged) and goes on after it", async () => {
    const d = dir()
    await withLog(d, (log) => log.answer({ request: "q1", item: "a", answer: { label: "x" } }))
    appendFileSync(join(d, "labels.jsonl"), '{"seq":2,"at":"2026-12-02T00:0')
    expect((await Effect.runPromise(readLabelsLog(join(d, "labels.jsonl")))).torn).toBe(true)
    await withLog(d, (log) => log.answer({ request: "q2", item: "b", answer: { label: "y" } }))
    expect(lines(d).map((l) => [l.seq, l.item])).toEqual([[1, "a"], [2, "b"]])
  })

  it("refuses a log changed by hand, naming the line and what it expected", async () => {
    const d = dir()
    writeFileSync(join(d, "labels.jsonl"), '{"seq":1,"at":"t","request":"q","item":"a","answer":{"label":"x"}}\n{"seq":3,"at":"t","request":"r","item":"b","answer":{"label":"x"}}\n')
    const error = await Effect.runPromise(Effect.flip(Effect.scoped(openLabelsLog(d))))
    expect(error.message).toBe("line 2: seq 3, expected 2 (entries are numbered from 1 in order)")
    writeFileSync(join(d, "labels.jsonl"), '{"seq":1,"at":"t","request":"q","item":"a","answer":{"colour":"x"}}\n')
    expect((await Effect.runPromise(Effect.flip(Effect.scoped(openLabelsLog(d))))).message).toMatch(/^line 1: /)
  })

  it("takes 300 answers sent at once (two tabs, many annotators) as 300 whole lines in sequence", async () => {
    const d = dir()
    await withLog(d, (log) =>
      Effect.all(
        Array.from({ length: 300 }, (_, i) => log.answer({ request: `q${i}`, item: `item-${i % 50}`, answer: { label: i % 2 ? "x" : "y" }, annotator: `a${i % 3}` })),
        { concurrency: "unbounded" }
      )
    )
    const written = lines(d)
    expect(written.map((l) => l.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1))
    expect(new Set(written.map((l) => l.request)).size).toBe(300)
  })

  it(`loses no acknowledged answer and duplicates none across ${KILLS} SIGKILLs at random moments`, async () => {
    const d = dir()
    const module = fileURLToPath(new URL("../../dist/src/run/labels-log.js", import.meta.url))
    // A writer that answers as fast as it can and prints each request once the log has it on disk.
    const writer = `
      import { Effect } from "effect"
      import { openLabelsLog } from ${JSON.stringify(module)}
      const [dir, prefix] = process.argv.slice(1)
      await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
        const log = yield* openLabelsLog(dir)
        for (let i = 0; ; i++) {
          const request = prefix + "-" + i
          yield* log.answer({ request, item: "item-" + (i % 97), answer: { label: i % 2 ? "a" : "b" } })
          process.stdout.write("ack " + request + "\\n")
        }
      })))`
    const acknowledged: Array<string> = []
    let random = 12345
    const next = () => (random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let kill = 0; kill < KILLS; kill++) {
      const child = spawn("node", ["--input-type=module", "-e", writer, d, `k${kill}`], { cwd: fileURLToPath(new URL("../..", import.meta.url)), stdio: ["ignore", "pipe", "inherit"] })
      let out = ""
      child.stdout.on("data", (b: Buffer) => void (out += b.toString()))
      // until it has written something, then a random moment later
      while (!out.includes("ack ")) await new Promise((r) => setTimeout(r, 10))
      await new Promise((r) => setTimeout(r, 5 + next() * 60))
      child.kill("SIGKILL")
      await new Promise((r) => child.once("exit", r))
      acknowledged.push(...out.split("\n").filter((l) => l.startsWith("ack ")).map((l) => l.slice(4)))
    }
    const { entries } = await Effect.runPromise(readLabelsLog(join(d, "labels.jsonl")))
    const recorded = entries.map((e) => e.request)
    expect(new Set(recorded).size).toBe(recorded.length)
    const found = new Set(recorded)
    expect(acknowledged.filter((r) => !found.has(r))).toEqual([])
    expect(acknowledged.length).toBeGreaterThan(KILLS)
    console.log(`labels log: ${acknowledged.length} answers acknowledged across ${KILLS} SIGKILLs, ${recorded.length} on disk, none lost`)
  }, 120_000)
})
