import { existsSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { deal } from "../cli/run-deal.js"
import { makeImageFolder, numericRows, tempDir, toCsv } from "./fixtures.js"

const small = ["--n_init_labeled", "6", "--n_query", "6", "--n_round", "1", "--epochs", "1", "--seed", "2"]

describe("deal run --dataset_name beyond MNIST", () => {
  it("rejects an unknown dataset with one line listing the names and forms it accepts", async () => {
    const r = await deal("run", "--dataset_name", "cifar")
    expect(r.code).not.toBe(0)
    expect((r.stdout + r.stderr).trim()).toBe("--dataset_name: 'cifar' is not one of mnist, fashion-mnist, spam, CIFAR10, folder:PATH, csv:PATH, jsonl:PATH; did you mean 'CIFAR10'?")
  })

  it("runs on csv:DIR with --label and --features", async () => {
    const dir = tempDir()
    writeFileSync(join(dir, "train.csv"), toCsv(numericRows(30).map(({ label, ...r }) => ({ ...r, kind: label }))))
    writeFileSync(join(dir, "test.csv"), toCsv(numericRows(9, 100).map(({ label, ...r }) => ({ ...r, kind: label }))))
    const out = tempDir()
    const r = await deal("run", "--dataset_name", `csv:${dir}`, "--label", "kind", "--features", "f1,f2", "--model", "logreg", ...small, "--out", out)
    expect(r.stderr).not.toContain("Error")
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("stopped by max-rounds after round 1 (12 labels)")
    expect(existsSync(join(out, "results.csv"))).toBe(true)
  })

  it("on folder:DIR, a corrupt image fails with one line naming it; --skip-bad skips it with a warning and a count", async () => {
    const root = await makeImageFolder(tempDir(), { classes: ["a", "b"], train: 6, test: 2, size: 6 })
    const bad = join(root, "train", "b", "zz-corrupt.png")
    writeFileSync(bad, "not an image")
    const fails = await deal("run", "--dataset_name", `folder:${root}`, ...small, "--out", tempDir())
    expect(fails.code).not.toBe(0)
    expect(fails.stderr.trim().split("\n").at(-1)).toMatch(new RegExp(`^deal: DataError: ${bad}: cannot decode image \\(.+\\): expected a PNG, JPEG or WebP file$`))
    const skips = await deal("run", "--dataset_name", `folder:${root}`, "--skip-bad", ...small, "--out", tempDir())
    expect(skips.code).toBe(0)
    expect(skips.stderr).toContain(`deal: warn: skipped 1 bad item(s) of 17 in ${root} (--skip-bad): ${bad}: cannot decode image`)
  })
})
