import { readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { Effect, Either } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import { findBackbone } from "../../src/backbones/catalogue.js"
import { transformersBackbone } from "../../src/backbones/transformers.js"
import type { Dataset } from "../../src/data/dataset.js"
import { lastLine, runDeal } from "../cli/run-deal.js"
import { makeImageFolder, pattern, tempDir, toCsv } from "../data/fixtures.js"
import { emails, tinyBackbones } from "./tiny-backbones.js"

const models = tinyBackbones()
let root: string
let bert: string
let vit: string
beforeAll(() => void ({ root, bert, vit } = models))

const textDataset = (texts: ReadonlyArray<string>): Dataset => ({ name: "t", x: new Float32Array(texts.length), shape: [1], y: new Int32Array(texts.length), classNames: ["a", "b"], texts })
const imageDataset = (n: number): Dataset => {
  const size = 8
  const x = new Float32Array(n * size * size)
  for (let i = 0; i < n; i++) pattern(i % 3, 3, i, size, 1).forEach((v, k) => (x[i * size * size + k] = v / 255))
  return { name: "img", x, shape: [size, size, 1], y: new Int32Array(n), classNames: ["a", "b", "c"] }
}
const embed = (backbone: Effect.Effect<import("../../src/backbones/backbone.js").Backbone, unknown>, train: Dataset, test: Dataset) =>
  Effect.runPromise(Effect.flatMap(backbone, (b) => b.embed({ train, test }, () => Effect.void)))
const row = (x: Float32Array, dim: number, i: number) => Array.from(x.subarray(i * dim, (i + 1) * dim))

describe("transformers.js backbones (on the tests' tiny models)", () => {
  it("embeds texts as unit-length mean-pooled vectors, the same text alike in either split", async () => {
    const texts = emails(5).map((e) => e.text)
    const { train, test, dim } = await embed(transformersBackbone(bert, "text"), textDataset(texts), textDataset([texts[2], "hello"]))
    expect(dim).toBe(16)
    for (let i = 0; i < 5; i++) expect(Math.hypot(...row(train, dim, i))).toBeCloseTo(1, 5)
    row(test, dim, 0).forEach((v, k) => expect(v).toBeCloseTo(row(train, dim, 2)[k], 5))
    expect(row(train, dim, 0)).not.toEqual(row(train, dim, 1))
  })

  it("embeds images (grey, any size) with the model's pooled output, one vector per image", async () => {
    const { train, test, dim } = await embed(transformersBackbone(vit, "image"), imageDataset(7), imageDataset(2))
    expect(dim).toBe(16)
    expect([train.length, test.length]).toEqual([7 * 16, 2 * 16])
    expect(train.every(Number.isFinite)).toBe(true)
    expect(row(train, dim, 0)).not.toEqual(row(train, dim, 1))
    row(test, dim, 1).forEach((v, k) => expect(v).toBeCloseTo(row(train, dim, 1)[k], 5))
  })

  it("identifies a local model by its files' sizes and times, so editing the model changes the cache key", async () => {
    const id = async () => (await Effect.runPromise(transformersBackbone(bert, "text"))).identity
    const before = await id()
    utimesSync(join(bert, "config.json"), new Date(), new Date(Date.now() + 5000))
    expect(await id()).not.toEqual(before)
  })

  it("refuses, in one line naming the model and what to do: a missing folder, a folder that is not a model, a Hub id offline, a backbone for the wrong data", async () => {
    const message = async (name: string, kind: "text" | "image" | "tabular" = "text") => {
      const r = await Effect.runPromise(Effect.either(findBackbone(name, kind)))
      if (Either.isRight(r)) {
        const e = await Effect.runPromise(Effect.flip(r.right.embed({ train: textDataset(["hi"]), test: textDataset([]) }, () => Effect.void)))
        return `${e}`
      }
      return `${r.left}`
    }
    expect(await message(join(root, "absent"))).toMatch(/^backbone '.*absent': no such folder .*absent: expected a model folder with config\.json and onnx\/model\.onnx$/)
    expect(await message(root)).toMatch(/config\.json is missing: expected a transformers\.js model folder/)
    process.env["HF_HUB_OFFLINE"] = "1"
    try {
      expect(await message("Xenova/all-MiniLM-L6-v2")).toBe(
        "backbone 'Xenova/all-MiniLM-L6-v2': not a local folder, and HF_HUB_OFFLINE=1 forbids downloading it: download the model on a machine with network (its config.json, tokenizer or preprocessor files and onnx/model.onnx) and give --backbone PATH"
      )
    } finally {
      delete process.env["HF_HUB_OFFLINE"]
    }
    expect(await message("word-vectors", "image")).toMatch(/embeds texts, and this dataset is images/)
    expect(await message(bert, "tabular")).toMatch(/embeds texts or images, and this dataset is tabular/)
  })
})
