import { join } from "node:path"
import { Effect, Schema } from "effect"
import type { DataError } from "../data/errors.js"
import type { WriteError } from "../runtime/atomic-write.js"
import { readJsonFile, writeJsonFile } from "./json-file.js"
import { runFile } from "./run-files.js"

/** What a labelling run (`deal label`) labels and how, as `DIR/label.json` keeps it for `--resume`. */
export const LabelSpec = Schema.Struct({
  dataset: Schema.String,
  classes: Schema.optional(Schema.Array(Schema.String)),
  strategy: Schema.String,
  model: Schema.optional(Schema.String),
  /** A frozen pretrained backbone whose embeddings the model learns from (as `deal run --backbone`). */
  backbone: Schema.optional(Schema.String),
  text: Schema.optional(Schema.String),
  features: Schema.optional(Schema.Array(Schema.String)),
  imgSize: Schema.optional(Schema.Int),
  epochs: Schema.optional(Schema.Int),
  batchSize: Schema.optional(Schema.Int),
  learningRate: Schema.optional(Schema.Number),
  seed: Schema.Int,
  /** Labels between two retrainings. */
  retrainEvery: Schema.Int.pipe(Schema.greaterThanOrEqualTo(1))
})
export type LabelSpec = typeof LabelSpec.Type

export const readLabelSpec = (dir: string): Effect.Effect<LabelSpec, DataError> =>
  readJsonFile(join(dir, runFile.labelSpec), LabelSpec, "a deal labelling run", `no ${runFile.labelSpec}: expected a directory written by deal label`)

export const writeLabelSpec = (dir: string, spec: LabelSpec): Effect.Effect<void, WriteError> => writeJsonFile(join(dir, runFile.labelSpec), LabelSpec, spec)
