import { readFile } from "node:fs/promises"
import { normalize } from "node:path"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { dalmaxCifarFolder, parseDatasetName } from "../data/catalogue.js"
import { DataError } from "../data/errors.js"
import { formatIssues } from "../run/json-file.js"
import type { ExperimentSpecInput } from "../run/spec.js"

const Count = Schema.Int.pipe(Schema.positive())

/**
 * One dataset's entry of DalMax's `--params_json` file (`params_df.json`): its data folder,
 * epochs, MC-dropout passes (`n_drop`) and its SGD's batch size, learning rate and momentum.
 * Other keys (`n_classes`, `test_args`, `num_workers`) do not change a deal run and are ignored.
 */
const DalmaxParams = Schema.Struct({
  data_dir: Schema.optional(Schema.String),
  n_epoch: Schema.optional(Count),
  n_drop: Schema.optional(Count),
  train_args: Schema.optional(Schema.Struct({ batch_size: Schema.optional(Count) })),
  optimizer_args: Schema.optional(Schema.Struct({ lr: Schema.optional(Schema.Number.pipe(Schema.positive())), momentum: Schema.optional(Schema.Number) }))
})

/**
 * The spec fields DalMax's `--params_json FILE` gives for the run's dataset (DalMax trains with
 * SGD), under the flags given on the command line, which win. A `data_dir` other than DalMax's
 * `DATA/DATA_CIFAR10/` for CIFAR10 becomes `folder:DATA_DIR` with DalMax's 32×32 and model.
 */
export const dalmaxParams = (file: string, given: Readonly<Record<string, unknown>>): Effect.Effect<Readonly<Record<string, unknown>>, DataError> =>
  Effect.gen(function* () {
    const fail = (message: string) => new DataError({ file, message })
    const text = yield* Effect.tryPromise({ try: () => readFile(file, "utf8"), catch: (e) => fail(`cannot read: ${(e as Error).message}`) })
    const json = yield* Effect.try({ try: () => JSON.parse(text) as unknown, catch: (e) => fail(`not JSON: ${(e as Error).message}`) })
    const all = yield* Schema.decodeUnknown(Schema.Record({ key: Schema.String, value: Schema.Unknown }))(json).pipe(
      Effect.mapError(() => fail("expected DalMax's params: an object with one entry per dataset name, e.g. {\"CIFAR10\": {\"n_epoch\": 20, …}}"))
    )
    const dataset = typeof given["dataset"] === "string" ? given["dataset"] : "mnist"
    const ref = parseDatasetName(dataset)
    const key = Object.keys(all).find((k) => k === dataset) ?? Object.keys(all).find((k) => ref?._tag === "BuiltIn" && k.toLowerCase() === ref.name.toLowerCase())
    if (key === undefined) return yield* fail(`no entry for dataset '${dataset}': expected one of ${Object.keys(all).join(", ")}`)
    const p = yield* Schema.decodeUnknown(DalmaxParams)(all[key]).pipe(Effect.mapError((e) => fail(`${key}: ${formatIssues(e)}`)))
    const movedCifar = ref?._tag === "BuiltIn" && ref.name === "CIFAR10" && p.data_dir !== undefined && normalize(p.data_dir).replace(/[\\/]+$/, "") !== dalmaxCifarFolder
    const fromParams: ExperimentSpecInput = {
      ...(movedCifar ? { dataset: `folder:${p.data_dir}`, model: "dalmax-cifar", imgSize: 32 } : {}),
      ...(p.n_epoch === undefined ? {} : { epochs: p.n_epoch }),
      ...(p.n_drop === undefined ? {} : { mcSamples: p.n_drop }),
      ...(p.train_args?.batch_size === undefined ? {} : { batchSize: p.train_args.batch_size }),
      ...(p.optimizer_args === undefined
        ? {}
        : { optimizer: "sgd" as const, ...(p.optimizer_args.lr === undefined ? {} : { learningRate: p.optimizer_args.lr }), momentum: p.optimizer_args.momentum ?? 0 })
    }
    const flags = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined))
    return { ...fromParams, ...flags, ...(movedCifar ? { dataset: fromParams.dataset } : {}) }
  })
