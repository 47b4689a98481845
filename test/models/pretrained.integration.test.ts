import { writeFileSync } from "node:fs"
import { join } from "node:path"
import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { deal, lastLine } from "../cli/run-deal.js"
import { numericRows, tempDir, toCsv } from "../data/fixtures.js"
import { save, sequentialModel } from "./saved-model.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("deal run --model file:PATH/model.json", () => {
  it("fine-tunes a saved model with BALD when a head dropout is given, refuses BALD without one, and names a missing file", async () => {
    const root = tempDir("deal-pretrained-cli-")
    const file = await save(sequentialModel(), join(root, "model"))
    const csv = join(root, "rows.csv")
    writeFileSync(csv, toCsv(numericRows(60)))
    const base = ["run", "--dataset_name", `csv:${csv}`, "--features", "f1,f2,f3", "--n_init_labeled", "6", "--n_query", "6", "--n_round", "2", "--epochs", "3"]
    const ok = await deal(...base, "--model", `file:${file}`, "--trainable_layers", "2", "--head_dropout", "0.5", "--strategy_name", "bald", "--mc_samples", "4", "--out", join(root, "run"))
    expect(ok.stderr).not.toMatch(/Error/)
    expect(ok.code).toBe(0)
    const refused = await deal(...base, "--model", `file:${file}`, "--strategy_name", "bald", "--out", join(root, "refused"))
    expect(lastLine(refused.stderr)).toBe(
      `deal: SpecError: strategy 'bald' needs MC-dropout samples, and model 'file:${file}' has no dropout layer: give --head_dropout 0.5, or a strategy without MC dropout`
    )
    const missing = await deal(...base, "--model", `file:${join(root, "none", "model.json")}`, "--out", join(root, "missing"))
    expect(missing.code).toBe(1)
    expect(lastLine(missing.stderr)).toMatch(/^deal: SpecError: .*none\/model\.json: cannot read the model: ENOENT/)
  }, 60_000)
})
