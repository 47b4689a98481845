import { join } from "node:path"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { DataError } from "../data/errors.js"
import type { WriteError } from "../runtime/atomic-write.js"
import { readJsonFile, writeJsonFile } from "./json-file.js"
import { runFile } from "./run-file-names.js"
import { ExperimentSpec } from "./spec.js"

/** The fields of an experiment spec a labelling run takes: what to label, the model and its training, the strategy, the seed. */
export const labelExperimentSpec = ExperimentSpec.pick(
  "dataset", "text", "features", "imgSize", "backbone",
  "model", "trainableLayers", "headDropout", "epochs", "batchSize", "learningRate", "optimizer", "momentum", "weightDecay", "warmStart",
  "strategy", "mcSamples", "poolSubset", "seed"
)

/**
 * What a labelling run (`deal label`) labels and how, as `DIR/label.json` keeps it for
 * `--resume`: the fields of an experiment spec that say what to label and how models learn from
 * it (the same fields, types and checks as `ExperimentSpec`), the classes people choose from, and
 * the retraining rhythm.
 */
export const LabelSpec = Schema.Struct({
  ...labelExperimentSpec.fields,
  classes: Schema.optional(Schema.Array(Schema.String)),
  /** Labels between two retrainings. */
  retrainEvery: Schema.Int.pipe(Schema.greaterThanOrEqualTo(1))
})
export type LabelSpec = typeof LabelSpec.Type

/** What to label and how to learn from it: a label spec without `deal label`'s retraining rhythm (`deal serve`'s spec). */
export const LabelDataSpec = LabelSpec.omit("retrainEvery")
export type LabelDataSpec = typeof LabelDataSpec.Type

export const readLabelSpec = (dir: string): Effect.Effect<LabelSpec, DataError> =>
  readJsonFile(join(dir, runFile.labelSpec), LabelSpec, "a deal labelling run", `no ${runFile.labelSpec}: expected a directory written by deal label`)

export const writeLabelSpec = (dir: string, spec: LabelSpec): Effect.Effect<void, WriteError> => writeJsonFile(join(dir, runFile.labelSpec), LabelSpec, spec)

/** The experiment a label spec describes: a run of `deal run` on the data to label, with no initial labels. */
export const labelExperiment = (spec: LabelDataSpec): Record<string, unknown> => {
  const { classes: _classes, ...experiment } = Schema.encodeSync(LabelDataSpec)(spec)
  return { ...experiment, nInitLabeled: 0 }
}
