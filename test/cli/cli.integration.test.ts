import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { deal } from "./run-deal.js"


describe("deal run", () => {
  it("documents every flag in --help", async () => {
    const { stdout } = await deal("run", "--help")
    for (const flag of ["dataset_name", "strategy_name", "n_init_labeled", "n_query", "n_round", "seed", "img_size", "out", "backend", "epochs", "model"]) {
      expect(stdout).toContain(`--${flag}`)
    }
    expect(stdout).toContain("--n-round")
  })

  it("has --help for every command, and deal stopping lists every criterion with its rule and citation", async () => {
    for (const command of ["run", "experiment", "report", "stop-analysis", "strategies", "stopping"]) {
      const { stdout } = await deal(command, "--help")
      expect(stdout).toContain(`$ ${command}`)
    }
    expect((await deal("experiment", "--help")).stdout).toContain("deal experiment status DIR")
    expect((await deal("label", "export", "--help")).stdout).toContain("$ export")
    const { stdout } = await deal("stopping")
    for (const name of ["stabilizing-predictions", "changing-confidence", "delta-f", "validation-plateau", "max-labels", "target-accuracy"]) {
      expect(stdout).toMatch(new RegExp(`^${name}`, "m"))
    }
    expect(stdout).toContain("Bloodgood & Vijay-Shanker (2009)")
  })

  it("refuses an image size too small for the model in one line, before anything is loaded or written", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "deal-cli-small-")), "run")
    const r = await deal("run", "--model", "gal-cnn", "--img_size", "4", "--out", out)
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split("\n").at(-1)).toBe(
      "deal: SpecError: model 'gal-cnn' needs images of at least 8×8 (two 4×4 convolutions, then 2×2 pooling), got 4×4: expected --img_size 8 or more"
    )
    expect(existsSync(out)).toBe(false)
  })

  it("rejects a bad value with one line naming the flag and the allowed values", async () => {
    const bad = await deal("run", "--strategy_name", "Bogus")
    expect(bad.code).not.toBe(0)
    const lines = (bad.stdout + bad.stderr).trim().split("\n")
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^--strategy_name: 'Bogus' is not one of random, RandomSampling, least-confidence, /)
    const n = await deal("run", "--n_query", "0")
    expect((n.stdout + n.stderr).trim()).toBe("--n_query: expected an integer ≥ 1 in decimal digits, got '0'")
    const b = await deal("run", "--backend", "gpu")
    expect((b.stdout + b.stderr).trim()).toBe("--backend: 'gpu' is not one of auto, tensorflow-gpu, webgpu, tensorflow, wasm, cpu; did you mean 'cpu'?")
  })

  it("accepts a weighted combination of scored strategies and saves it in the spec", async () => {
    const out = mkdtempSync(join(tmpdir(), "deal-cli-mix-"))
    const r = await deal("run", "--strategy_name", "entropy*0.7+margin*0.3", "--n_init_labeled", "20", "--n_query", "10", "--n_round", "1", "--n_train", "400", "--n_test", "100", "--epochs", "1", "--out", out)
    expect(r.code).toBe(0)
    expect(JSON.parse(readFileSync(join(out, "spec.json"), "utf8")).strategy).toBe("entropy*0.7+margin*0.3")
    const bad = await deal("run", "--strategy_name", "entropy*x")
    expect((bad.stdout + bad.stderr).trim()).toMatch(/^--strategy_name: 'entropy\*x' is not one of random, .*, a weighted combination such as entropy\*0\.7\+bald\*0\.3; did you mean 'entropy'\?$/)
  })

  it("runs a small experiment with kebab-case aliases and prints the summary table", async () => {
    const out = mkdtempSync(join(tmpdir(), "deal-cli-"))
    const r = await deal(
      "run", "--dataset-name", "mnist", "--strategy-name", "LeastConfidence", "--n-init-labeled", "20", "--n-query", "10",
      "--n-round", "2", "--n_train", "500", "--n_test", "200", "--epochs", "2", "--seed", "5", "--out", out
    )
    expect(r.code).toBe(0)
    expect(r.stderr).toContain("deal: backend ")
    expect(r.stdout).toContain("|round|labeled|accuracy|")
    expect(r.stdout).toContain("stopped by max-rounds after round 2 (40 labels)")
    expect(readFileSync(join(out, "results.csv"), "utf8").trim().split("\n")).toHaveLength(4)
  })
})
