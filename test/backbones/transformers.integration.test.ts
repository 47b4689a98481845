import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { lastLine, runDeal } from "../cli/run-deal.js"
import { makeImageFolder, toCsv } from "../data/fixtures.js"
import { emails, tinyBackbones } from "./tiny-backbones.js"

const models = tinyBackbones()
let root: string
let bert: string
let vit: string
beforeAll(() => void ({ root, bert, vit } = models))

const deal = (env: Record<string, string>, ...args: Array<string>) => runDeal(args, { env })
const resultRows = (dir: string) => readFileSync(join(dir, "results.csv"), "utf8").trim().split("\n").slice(1)

describe("deal run --backbone", () => {
  it("runs active learning on a generated image folder with a local ViT and a linear head, core-set in the backbone's space; a second run reads the cached embeddings", async () => {
    const folder = await makeImageFolder(join(root, "shapes"), { size: 8, train: 10, test: 4 })
    const cache = join(root, "cache-images")
    const args = (out: string) => ["run", "--dataset_name", `folder:${folder}`, "--backbone", vit, "--model", "linear", "--strategy_name", "coreset", "--embedding_space", "backbone", "--n_init_labeled", "6", "--n_query", "4", "--n_round", "2", "--epochs", "5", "--out", out]
    const first = await deal({ DEAL_CACHE_DIR: cache }, ...args(join(root, "run-images")))
    expect(first.stderr).not.toMatch(/Error/)
    expect(first.code).toBe(0)
    expect(resultRows(join(root, "run-images"))).toHaveLength(3)
    const spec = JSON.parse(readFileSync(join(root, "run-images", "spec.json"), "utf8"))
    expect([spec.backbone, spec.embeddingSpace, spec.model]).toEqual([vit, "backbone", "linear"])
    expect(readdirSync(cache).filter((f) => f.startsWith("embeddings-tiny-vit-"))).toHaveLength(1)
    const second = await deal({ DEAL_CACHE_DIR: cache }, ...args(join(root, "run-images-2")))
    expect(second.code).toBe(0)
    expect(readFileSync(join(root, "run-images-2", "results.csv"), "utf8")).toBe(readFileSync(join(root, "run-images", "results.csv"), "utf8"))
  }, 120_000)

  it("runs MC-dropout BALD with an mlp head on texts embedded by a local BERT", async () => {
    const file = join(root, "emails.csv")
    writeFileSync(file, toCsv(emails(60)))
    const out = join(root, "run-text")
    const r = await deal({ DEAL_CACHE_DIR: join(root, "cache-text") }, "run", "--dataset_name", `csv:${file}`, "--text", "text", "--backbone", bert, "--model", "mlp", "--strategy_name", "bald", "--mc_samples", "5", "--n_init_labeled", "6", "--n_query", "6", "--n_round", "2", "--epochs", "10", "--out", out)
    expect(r.stderr).not.toMatch(/Error/)
    expect(r.code).toBe(0)
    const rows = resultRows(out)
    expect(rows).toHaveLength(3)
    expect(rows.map((l) => Number(l.split(",")[1]))).toEqual([6, 12, 18])
  }, 120_000)

  it("refuses a model that does not take embeddings, before embedding anything", async () => {
    const r = await deal({ DEAL_CACHE_DIR: join(root, "cache-refused") }, "run", "--dataset_name", "spam", "--backbone", "word-vectors", "--model", "gal-cnn", "--out", join(root, "refused"))
    expect(r.code).toBe(1)
    expect(lastLine(r.stderr)).toBe("deal: SpecError: model 'gal-cnn' does not suit embedding data (spam): expected one of mlp, logreg, linear")
  })
})
