import { spawn } from "node:child_process"
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { hostname, tmpdir } from "node:os"
import { join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { lastLine, type Ran, runDeal } from "../cli/run-deal.js"

/**
 * The run directory under kills, signals, resumes and a second writer, through the CLI as a
 * user runs it. A kill is placed exactly with the test-only DEAL_TEST_KILL_AT=ROUND:STEP, which
 * SIGKILLs deal just before that write of that round.
 */
const deal = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Promise<Ran> => runDeal(args, { env })

const baseFlags: Record<string, string> = { n_train: "400", n_test: "100", n_init_labeled: "20", n_query: "20", epochs: "2", seed: "7", backend: "wasm" }
/** `deal run` with the base flags, some replaced or added. */
const runArgs = (flags: Record<string, string>) => ["run", "--warm_start", ...Object.entries({ ...baseFlags, ...flags }).flatMap(([k, v]) => [`--${k}`, v])]
const tmp = (name: string) => mkdtempSync(join(tmpdir(), `deal-${name}-`))

/** Everything of a run directory that the same seed on the same backend must reproduce (wall-clock fields removed). */
const snapshot = (dir: string) => {
  const read = (f: string) => readFileSync(join(dir, f), "utf8")
  const results = JSON.parse(read("results.json"))
  for (const r of results.rounds) for (const k of ["trainSeconds", "scoreSeconds", "selectSeconds"]) delete r[k]
  const observations = read("observations.jsonl").trim().split("\n").map((l) => {
    const o = JSON.parse(l)
    delete o.elapsedSeconds
    return o
  })
  const models = readdirSync(join(dir, "models")).sort()
  const last = models.at(-1)!
  return {
    files: readdirSync(dir).sort(),
    spec: read("spec.json"),
    resultsCsv: read("results.csv"),
    timingRows: read("timings.csv").trim().split("\n").length,
    results,
    observations,
    predictions: read("predictions.csv"),
    checkpoint: read("checkpoint.json"),
    models,
    // tfjs names layers with a process-wide counter: the weights' shapes, not their names, must agree
    weightShapes: JSON.parse(read(join("models", last, "model.json"))).weightsManifest[0].weights.map((w: { shape: Array<number> }) => w.shape),
    weights: readFileSync(join(dir, "models", last, "weights.bin")).toString("base64")
  }
}
const runFiles = ["checkpoint.json", "models", "observations.jsonl", "predictions.csv", "results.csv", "results.json", "spec.json", "timings.csv"]

let whole3: string
let whole8: string
beforeAll(async () => {
  whole3 = tmp("whole3")
  whole8 = tmp("whole8")
  expect((await deal(runArgs({ n_round: "3", out: whole3 }))).code).toBe(0)
  expect((await deal(runArgs({ n_round: "8", out: whole8 }))).code).toBe(0)
  expect(readdirSync(whole3).sort()).toEqual(runFiles)
})

describe("a run killed at any write resumes to the same directory as an uninterrupted one", () => {
  // Round 0's first and last writes, mid-run writes, and every final write of the last round (3),
  // the finished mark included, and after it.
  const points = ["0:spec", "0:checkpoint", "1:model", "1:observations", "2:results", "3:model", "3:predictions", "3:results", "3:checkpoint", "3:done"]
  for (const point of points) {
    it(`killed before ${point}`, async () => {
      const dir = tmp("killed")
      const killed = await deal(runArgs({ n_round: "3", out: dir }), { DEAL_TEST_KILL_AT: point })
      expect(killed.signal).toBe("SIGKILL")
      // killed before anything was saved, the same command runs it again; else --resume goes on
      const again = point === "0:spec" ? runArgs({ n_round: "3", out: dir }) : ["run", "--resume", dir]
      const resumed = await deal(again)
      expect(resumed.code).toBe(0)
      // the killed process's lock is stale: taken over, with a message
      expect(resumed.stderr).toContain("deal: warn: took over the lock of pid")
      if (point === "3:done") expect(resumed.stdout).toContain("the run had already finished at round 3 (stopped by max-rounds after round 3 (80 labels): reached round 3 of 3); nothing to do")
      else if (point !== "0:spec") expect(resumed.stderr).toMatch(/^deal: resumed .* at round \d/m)
      expect(snapshot(dir)).toEqual(snapshot(whole3))
    })
  }
})

describe("resume", () => {
  it("repairs a run marked finished without all its final files, as an older deal could leave it", async () => {
    const dir = tmp("repair")
    cpSync(whole3, dir, { recursive: true })
    rmSync(join(dir, "predictions.csv"))
    const repaired = await deal(["run", "--resume", dir])
    expect(repaired.stderr).toContain("the run was marked finished at round 3 without predictions.csv: round 3 is redone to write them")
    expect(snapshot(dir)).toEqual(snapshot(whole3))
  })

  it("takes a bigger budget on a finished run: it goes on as the longer run would have", async () => {
    const dir = tmp("longer")
    cpSync(whole3, dir, { recursive: true })
    const longer = await deal(["run", "--resume", dir, "--n_round", "8"])
    expect(longer.stderr).toContain("the run had stopped at round 3; under the new budget it goes on, so round 3 is redone to make its query")
    const a = snapshot(dir)
    const b = snapshot(whole8)
    expect({ ...a, spec: JSON.parse(a.spec) }).toEqual({ ...b, spec: JSON.parse(b.spec) })
  })

  it("refuses a budget that would already have stopped the run, and a different spec, saying what differs", async () => {
    const dir = tmp("refused")
    cpSync(whole8, dir, { recursive: true })
    const shorter = await deal(["run", "--resume", dir, "--n_round", "2"])
    expect(shorter.code).toBe(1)
    expect(lastLine(shorter.stderr)).toBe(
      "deal: ResumeError: the new budget would have stopped this run at round 2 (max-rounds: reached round 2 of 2), and it has completed round 8: a resumed run can only go on"
    )
    const other = await deal(["run", "--resume", dir, "--seed", "7", "--strategy_name", "margin"])
    expect(lastLine(other.stderr)).toBe(`deal: ResumeError: cannot resume ${dir} with a different spec: strategy: saved "entropy", given "margin"`)
    expect(snapshot(dir)).toEqual(snapshot(whole8))
  })

  it("refuses another backend unless --allow_backend_change, which each round then records", async () => {
    const dir = tmp("backend")
    await deal(runArgs({ n_round: "3", out: dir }), { DEAL_TEST_KILL_AT: "2:model" })
    const refused = await deal(["run", "--resume", dir, "--backend", "cpu"])
    expect(refused.code).toBe(1)
    expect(lastLine(refused.stderr)).toMatch(
      /^deal: ResumeError: cannot resume .*: its rounds ran on wasm \(tfjs 4\.\d+\.\d+, deal kernels 1\), this process has cpu \(.*\), whose float order differs, so it would not continue the same run; pass --allow_backend_change to go on anyway \(each round records its backend\)$/
    )
    const allowed = await deal(["run", "--resume", dir, "--backend", "cpu", "--allow_backend_change"])
    expect(allowed.code).toBe(0)
    const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"))
    expect(results.rounds.map((r: { backend: string }) => r.backend)).toEqual(["wasm", "wasm", "cpu", "cpu"])
    expect(JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8")).compute.backend).toBe("cpu")
  })

  it("sweeps the temporary files killed writes left", async () => {
    const dir = tmp("sweep")
    await deal(runArgs({ n_round: "3", out: dir }), { DEAL_TEST_KILL_AT: "2:results" })
    writeFileSync(join(dir, "results.json.deal-tmp-1-abcd"), "{half")
    cpSync(join(dir, "models", "round-0001"), join(dir, "models", "round-0002.deal-tmp-1-abcd"), { recursive: true })
    await deal(["run", "--resume", dir])
    expect(snapshot(dir)).toEqual(snapshot(whole3))
  })
})

describe("--out", () => {
  it("refuses a directory holding another run, naming what differs, or this run, pointing to --resume; leaves it as it was", async () => {
    const before = statSync(join(whole3, "checkpoint.json")).mtimeMs
    const other = await deal(runArgs({ n_round: "3", strategy_name: "margin", out: whole3 }))
    expect(other.code).toBe(1)
    expect(lastLine(other.stderr)).toBe(
      `deal: SpecError: --out ${whole3} holds another run (strategy: saved "entropy", given "margin"): continue it with deal run --resume ${whole3}, or choose another --out`
    )
    const same = await deal(runArgs({ n_round: "3", out: whole3 }))
    expect(lastLine(same.stderr)).toBe(`deal: SpecError: --out ${whole3} holds this run already: continue it with deal run --resume ${whole3}, or choose another --out`)
    expect(statSync(join(whole3, "checkpoint.json")).mtimeMs).toBe(before)
  })

  it("refuses a second process while the first writes the directory, naming it; the first finishes unharmed", async () => {
    const dir = tmp("locked")
    const first = spawn("node", ["bin/deal.js", ...runArgs({ n_round: "8", out: dir })], { stdio: "ignore" })
    const exited = new Promise<number | null>((resolve) => first.on("exit", (code) => resolve(code)))
    const lockHolder = () => {
      try {
        return JSON.parse(readFileSync(join(dir, ".lock"), "utf8")).pid as number
      } catch {
        return undefined
      }
    }
    while (lockHolder() === undefined) await new Promise((r) => setTimeout(r, 5))
    // frozen while it holds the lock, the first writer is certainly alive while the others try
    first.kill("SIGSTOP")
    const second = await deal(runArgs({ n_round: "8", out: dir }))
    const resume = await deal(["run", "--resume", dir])
    first.kill("SIGCONT")
    for (const refused of [second, resume]) {
      expect(refused.code).toBe(1)
      expect(lastLine(refused.stderr)).toMatch(
        new RegExp(`^deal: LockError: ${join(dir, ".lock")}: ${dir} is being written by pid ${first.pid} on ${hostname()} since \\S+: wait for it to finish, or remove ${join(dir, ".lock")} if that process is gone$`)
      )
    }
    expect(await exited).toBe(0)
    expect(snapshot(dir)).toEqual(snapshot(whole8))
  })

  it("writes nothing when the inputs are refused, even after the directory was locked", async () => {
    const parent = tmp("nothing")
    const badData = await deal(runArgs({ dataset_name: `csv:${join(parent, "missing.csv")}`, out: join(parent, "a") }))
    expect(badData.code).toBe(1)
    // too many initial labels is found by the loop, after the lock was taken
    const tooMany = await deal(runArgs({ n_train: "30", n_init_labeled: "100", out: join(parent, "b") }))
    expect(tooMany.code).toBe(1)
    expect(lastLine(tooMany.stderr)).toMatch(/^deal: DataConfigError: /)
    expect(readdirSync(parent)).toEqual([])
  })

  it("an --out that cannot be a directory is one line naming it", async () => {
    const parent = tmp("notdir")
    writeFileSync(join(parent, "file"), "")
    const r = await deal(runArgs({ n_round: "0", out: join(parent, "file", "run") }))
    expect(r.code).toBe(1)
    expect(lastLine(r.stderr)).toMatch(new RegExp(`^deal: LockError: ${join(parent, "file", "run")}: cannot write the directory: ENOTDIR`))
    expect(r.stderr.trim().split("\n").filter((l) => l.startsWith("deal: ") && !l.startsWith("deal: backend"))).toHaveLength(1)
  })
})

describe("Ctrl-C and SIGTERM", () => {
  const interrupt = async (signal: "SIGINT" | "SIGTERM", dir: string) => {
    const child = spawn("node", ["bin/deal.js", ...runArgs({ n_round: "8", out: dir })], { stdio: ["ignore", "ignore", "pipe"] })
    let stderr = ""
    child.stderr.on("data", (d) => (stderr += String(d)))
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    while (!existsSync(join(dir, "checkpoint.json"))) await new Promise((r) => setTimeout(r, 10))
    child.kill(signal)
    return { code: await exited, stderr }
  }

  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    it(`${signal}: stops with exit ${code}, says where and how to resume, and the resume finishes the same run`, async () => {
      const dir = tmp(signal)
      const stopped = await interrupt(signal, dir)
      expect(stopped.code).toBe(code)
      const match = lastLine(stopped.stderr)!.match(/^deal: interrupted at round (\d+); resume with deal run --resume (.*)$/)
      expect(match?.[2]).toBe(dir)
      const checkpoint = JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8"))
      expect(checkpoint.round).toBe(Number(match![1]) - 1)
      expect(checkpoint.finished).toBe(false)
      expect(existsSync(join(dir, ".lock"))).toBe(false)
      const resumed = await deal(["run", "--resume", dir])
      expect(resumed.stderr).not.toContain("took over")
      expect(snapshot(dir)).toEqual(snapshot(whole8))
    })
  }
})

describe("flags", () => {
  it("numeric flags are decimal; seeds are in [0, 2^32); a repeated flag is one line", async () => {
    const line = async (...args: Array<string>) => {
      const r = await deal(["run", ...args])
      expect(r.code).not.toBe(0)
      return r.stderr.trim().split("\n").filter((l) => l.trim() !== "").at(-1)
    }
    expect(await line("--seed", "0x10")).toBe("--seed: expected an integer from 0 to 4294967295 in decimal digits, got '0x10'")
    expect(await line("--seed", "4294967296")).toBe("--seed: expected an integer from 0 to 4294967295 in decimal digits, got '4294967296'")
    expect(await line("--n_round", "")).toBe("--n_round: expected an integer ≥ 0 in decimal digits, got ''")
    expect(await line("--lr", "")).toBe("--lr: expected a positive decimal number such as 0.05 or 5e-3, got ''")
    expect(await line("--seed", "1", "--n_round", "2", "--seed", "2")).toBe("deal: FlagError: --seed is given twice: give each flag once")
    expect(await line("--n_round", "1", "--n-round", "2")).toBe("deal: FlagError: --n-round is given twice: give each flag once")
  })
})
