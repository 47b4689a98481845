import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"
import type { Dataset } from "../data/dataset.js"

/** A backbone that cannot be found, loaded or run: names the backbone and what to do. */
export class BackboneError extends Data.TaggedError("BackboneError")<{
  readonly backbone: string
  readonly message: string
}> {
  override toString(): string {
    return `backbone '${this.backbone}': ${this.message}`
  }
}

/** Reports how many of `total` items a long computation has done. */
export type OnProgress = (done: number, total: number) => Effect.Effect<void>

/**
 * A frozen pretrained feature extractor: turns a dataset's raw items (texts, images) into one
 * vector each. It is fitted, if at all, on the training split only (TF-IDF weights), so it
 * embeds both splits in one call.
 */
export interface Backbone {
  /** As the user gave it (`word-vectors`, a folder, a model id). */
  readonly name: string
  /** What it embeds. */
  readonly input: "text" | "image"
  /**
   * Everything the embeddings depend on besides the data: the model and its revision (a
   * version, or the size and modification time of every file of a local folder), pooling,
   * normalisation. Part of the embedding cache's key.
   */
  readonly identity: Readonly<Record<string, unknown>>
  /** [n × dim] embeddings of each split's items, in order. */
  readonly embed: (
    splits: { readonly train: Dataset; readonly test: Dataset },
    onProgress: OnProgress
  ) => Effect.Effect<{ readonly train: Float32Array; readonly test: Float32Array; readonly dim: number }, BackboneError>
}
