import type * as tfl from "@tensorflow/tfjs-layers"

/** What a model factory is told: the example shape, the number of classes, and seeds. */
export interface ModelContext {
  readonly inputShape: ReadonlyArray<number>
  readonly numClasses: number
  /** A fresh seed for each initialiser or dropout layer (from the run's seeded stream). */
  readonly seed: () => number
  /** How many labelled examples the model is about to be trained on (for penalties scaled by 1/N). */
  readonly trainingSize?: number
}

/**
 * Builds a fresh, untrained tfjs-layers model whose output is class probabilities (softmax).
 * Use `ctx.seed()` for every initialiser and `SeededDropout` layer so that runs are reproducible.
 */
export type ModelFactory = (ctx: ModelContext) => tfl.LayersModel
