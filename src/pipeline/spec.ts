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
  /** Use only a seeded subsample of this many training examples (initial set and pool). */
  nTrain: Schema.optional(PositiveInt),
  /** Evaluate on a seeded subsample of this many test examples. */
  nTest: Schema.optional(PositiveInt),
  /** Training epochs per round (default: the model's own, e.g. 50 for gal-cnn). */
  epochs: Schema.optional(PositiveInt),
  /** Minibatch size (default: the model's own). */
  batchSize: Schema.optional(PositiveInt),
  learningRate: Schema.optionalWith(Schema.Number.pipe(Schema.positive()), { default: () => 1e-3 }),
  warmStart: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  /** Extra stopping criteria, e.g. `max-labels=1000`; the loop always stops after `nRound` rounds. */
  stopping: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] })
})
export type ExperimentSpec = typeof ExperimentSpec.Type
export type ExperimentSpecInput = typeof ExperimentSpec.Encoded

export const decodeSpec = Schema.decodeUnknown(ExperimentSpec)
export const encodeSpec = Schema.encodeSync(ExperimentSpec)
