import { execFile, spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"

const run = (...args: Array<string>) => promisify(execFile)("node", ["bin/deal.js", "run", ...args], { encoding: "utf8" })
const flags = ["--n_train", "1500", "--n_test", "300", "--n_round", "5", "--n_init_labeled", "20", "--n_query", "20", "--epochs", "3", "--warm_start", "--seed", "7"]
const checkpointRound = (dir: string): number => {
  try {
    return JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8")).round
  } catch {
    return -1
  }
}

describe("deal run --resume", () => {
  it("after SIGKILL in the middle of a round, writes the same results.csv as an uninterrupted run (and may run longer)", async () => {
    const whole = mkdtempSync(join(tmpdir(), "deal-whole-"))
    const killed = mkdtempSync(join(tmpdir(), "deal-killed-"))
    await run(...flags, "--out", whole)

    const child = spawn("node", ["bin/deal.js", "run", ...flags, "--out", killed], { stdio: "ignore" })
    const exited = new Promise((resolve) => child.on("exit", resolve))
    // kill once round 1 is checkpointed: the run is then inside round 2
    while (checkpointRound(killed) < 1) await new Promise((r) => setTimeout(r, 20))
    child.kill("SIGKILL")
    await exited
    expect(checkpointRound(killed)).toBeLessThan(5)

    // a budget that would already have stopped the run is refused
    const shorter = await run("--resume", killed, "--n_round", "1").then(
      () => undefined,
      (e: { stderr: string; code: number }) => e
    )
    expect(shorter?.stderr.trim().split("\n").at(-1)).toMatch(
      /^deal: DataConfigError: the new budget would have stopped this run at round 1 \(max-rounds: reached round 1 of 1\), and it has completed round [1-4]: a resumed run can only go on$/
    )
    expect(JSON.parse(readFileSync(join(killed, "spec.json"), "utf8")).nRound).toBe(5)
    // a longer one is taken: the rounds the whole run has are the same, then one more
    const resumed = await run("--resume", killed, "--n_round", "6")
    expect(resumed.stderr).toMatch(/resumed .* at round [2-5]/)
    const lines = readFileSync(join(killed, "results.csv"), "utf8").split("\n")
    expect(lines.slice(0, 7).join("\n") + "\n").toBe(readFileSync(join(whole, "results.csv"), "utf8"))
    expect(lines[7]).toMatch(/^6,140,/)
    expect(JSON.parse(readFileSync(join(killed, "spec.json"), "utf8")).nRound).toBe(6)
    expect(readFileSync(join(killed, "observations.jsonl"), "utf8").split("\n").length).toBe(8)
    // the last round's model is saved in tfjs format
    expect(existsSync(join(killed, "models", "round-0006", "model.json"))).toBe(true)

    const again = await run("--resume", killed)
    expect(again.stdout).toContain("the run had already finished at round 6; nothing to do")
  })

  it("refuses a resume with a different spec, saying what differs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deal-refuse-"))
    await run(...flags.map((f) => (f === "5" ? "1" : f)), "--out", dir)
    const refused = await run("--resume", dir, "--n_round", "3", "--seed", "7", "--strategy_name", "margin").then(
      () => undefined,
      (e: { stderr: string; code: number }) => e
    )
    expect(refused?.code).toBe(1)
    expect(refused?.stderr.trim().split("\n").at(-1)).toBe(`deal: SpecError: cannot resume ${dir} with a different spec: strategy: saved "entropy", given "margin"`)
  })
})
