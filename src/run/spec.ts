import { Schema } from "effect"

const PositiveInt = Schema.Int.pipe(Schema.positive())
const NonNegativeInt = Schema.Int.pipe(Schema.nonNegative())

/**
 * An experiment: everything that determines a run's results. Validated on the way in, stored
 * as `spec.json` in the run directory (with every default filled in) so a run can be repeated
 * from its own folder.
 */
export const ExperimentSpec = Schema.Struct({
  dataset: Schema.String,
  strategy: Schema.String,
  model: Schema.optionalWith(Schema.String, { default: () => "mlp" }),
  nInitLabeled: NonNegativeInt,
  initialSelection: Schema.optionalWith(Schema.Literal("random", "balanced"), { default: () => "random" as const }),
  nQuery: PositiveInt,
  nRound: NonNegativeInt,
  seed: Schema.Int,
  imgSize: Schema.optional(PositiveInt),
  /** CSV/JSONL: the label column (default `label`). */
  label: Schema.optional(Schema.String),
  /** CSV/JSONL: one text column to turn into text features (instead of numeric features). */
  text: Schema.optional(Schema.String),
  /** CSV/JSONL: the numeric feature columns (default: every column but the label and `id`). */
  features: Schema.optional(Schema.Array(Schema.String)),
  /** Skip corrupt inputs (undecodable images, bad rows or lines) with a warning instead of failing. */
  skipBad: Schema.optional(Schema.Boolean),
  /** Text datasets: the largest vocabulary, built from the training split (default 2000). */
  vocabSize: Schema.optional(PositiveInt),
  /** Text datasets with token-id models: tokens kept per document (default 256). */
  maxTokens: Schema.optional(PositiveInt),
  /** Use only a seeded subsample of this many training examples (initial set and pool). */
  nTrain: Schema.optional(PositiveInt),
  /** Evaluate on a seeded subsample of this many test examples. */
  nTest: Schema.optional(PositiveInt),
  /** Split a seeded validation set of this many examples off the training data (for validation-plateau). */
  nValidation: Schema.optional(PositiveInt),
  /** Training epochs per round (default: the model's own, e.g. 50 for gal-cnn). */
  epochs: Schema.optional(PositiveInt),
  /** Minibatch size (default: the model's own). */
  batchSize: Schema.optional(PositiveInt),
  /** Adam's learning rate (default: the model's, else 1e-3). */
  learningRate: Schema.optional(Schema.Number.pipe(Schema.positive())),
  warmStart: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  /** Weight-decay constant c (gal-cnn: L2 c / N_train on the first dense layer, as Gal et al.'s code). */
  weightDecay: Schema.optional(Schema.Number.pipe(Schema.nonNegative())),
  /** MC-dropout passes T per round, for strategies that need MC samples (default 20). */
  mcSamples: Schema.optional(PositiveInt),
  /** Score only a seeded random subset of this many unlabelled examples per round (all when absent). */
  poolSubset: Schema.optional(PositiveInt),
  /** Extra stopping criteria, e.g. `max-labels=1000`; the loop always stops after `nRound` rounds. */
  stopping: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] })
})
export type ExperimentSpec = typeof ExperimentSpec.Type
export type ExperimentSpecInput = typeof ExperimentSpec.Encoded

export const decodeSpec = Schema.decodeUnknown(ExperimentSpec)
export const encodeSpec = Schema.encodeSync(ExperimentSpec)
