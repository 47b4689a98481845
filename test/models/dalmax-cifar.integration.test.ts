import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { dalmaxCifar } from "../../src/models/dalmax-cifar.js"
import { checkModelInput } from "../../src/models/catalogue.js"
import { RandomStream } from "../../src/runtime/random.js"
import { lastLine, runDeal } from "../cli/run-deal.js"
import { makeImageFolder, tempDir } from "../data/fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})


const deal = (cwd: string, ...args: Array<string>) => runDeal(args, { cwd })

describe("DalMax's command line on CIFAR10", () => {
  it("says where to put the data when DATA/DATA_CIFAR10 is missing", async () => {
    const cwd = tempDir("deal-dalmax-")
    const r = await deal(cwd, "run", "--dataset_name", "CIFAR10", "--strategy_name", "RandomSampling")
    expect(r.code).toBe(1)
    expect(lastLine(r.stderr)).toBe(
      `deal: DataError: ${join(cwd, "DATA", "DATA_CIFAR10", "train")}: not found: --dataset_name CIFAR10 reads DalMax's layout DATA/DATA_CIFAR10/{train,test}/<class>/*.png under the current folder; put CIFAR-10's PNG images there (as DalMax's README says), or give --dataset_name folder:PATH`
    )
  })

  it("runs end to end on a generated folder of DalMax's layout with DalMax's model and training defaults", async () => {
    const cwd = tempDir("deal-dalmax-")
    const classes = Array.from({ length: 10 }, (_, c) => String(c))
    await makeImageFolder(join(cwd, "DATA", "DATA_CIFAR10"), { classes, size: 32, channels: 3, train: 4, test: 2 })
    const r = await deal(cwd, "run", "--dataset_name", "CIFAR10", "--strategy_name", "EntropySampling", "--n_init_labeled", "20", "--n_query", "10", "--n_round", "1", "--seed", "1")
    expect(r.stderr).not.toMatch(/Error/)
    expect(r.code).toBe(0)
    const dir = join(cwd, "runs", "CIFAR10-entropy-seed1")
    const spec = JSON.parse(readFileSync(join(dir, "spec.json"), "utf8"))
    expect(spec).toMatchObject({ dataset: "CIFAR10", model: "dalmax-cifar", optimizer: "sgd", momentum: 0.3, learningRate: 0.05, batchSize: 64, epochs: 20, strategy: "entropy" })
    expect(readFileSync(join(dir, "results.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(",")[1])).toEqual(["20", "30"])

    // DalMax's own command, with its params file and results folder
    writeFileSync(
      join(cwd, "params_df.json"),
      JSON.stringify({
        DANINHAS: { data_dir: "DATA/daninhas_full/", n_epoch: 10 },
        CIFAR10: { data_dir: "DATA/DATA_CIFAR10/", n_epoch: 2, n_drop: 3, n_classes: 10, train_args: { batch_size: 32, num_workers: 1 }, test_args: { batch_size: 1000, num_workers: 1 }, optimizer_args: { lr: 0.01, momentum: 0.5 } }
      })
    )
    const dalmax = await deal(cwd, "run", "--params_json", "params_df.json", "--dir_results", "results/dalmax", "--dataset_name", "CIFAR10", "--strategy_name", "BALDDropout", "--n_init_labeled", "20", "--n_query", "10", "--n_round", "1", "--seed", "1")
    expect(dalmax.stderr).not.toMatch(/Error/)
    const fromParams = JSON.parse(readFileSync(join(cwd, "results", "dalmax", "CIFAR10-bald-seed1", "spec.json"), "utf8"))
    expect(fromParams).toMatchObject({ dataset: "CIFAR10", model: "dalmax-cifar", optimizer: "sgd", momentum: 0.5, learningRate: 0.01, batchSize: 32, epochs: 2, mcSamples: 3, strategy: "bald" })
    const missing = await deal(cwd, "run", "--params_json", "params_df.json", "--dataset_name", "mnist")
    expect(lastLine(missing.stderr)).toBe(`deal: DataError: params_df.json: no entry for dataset 'mnist': expected one of DANINHAS, CIFAR10`)
  }, 180_000)
})
