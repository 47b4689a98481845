import { Effect } from "effect"
import type { DatasetSplits } from "./dataset.js"
import { DataConfigError, type DataError } from "./errors.js"
import { loadMnist } from "./mnist.js"

export interface DatasetOptions {
  readonly imgSize?: number
}

const loaders: Record<string, (options: DatasetOptions) => Effect.Effect<DatasetSplits, DataError | DataConfigError>> = {
  mnist: loadMnist
}

/** Names accepted by `loadDataset` (and `--dataset_name`). */
export const datasetNames: ReadonlyArray<string> = Object.keys(loaders)

/** Loads a built-in dataset by name. */
export const loadDataset = (name: string, options: DatasetOptions = {}): Effect.Effect<DatasetSplits, DataError | DataConfigError> => {
  const load = loaders[name]
  return load === undefined
    ? Effect.fail(new DataConfigError({ message: `unknown dataset '${name}': expected one of ${datasetNames.join(", ")}` }))
    : load(options)
}
