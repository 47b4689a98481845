import * as Effect from "effect/Effect"
import type { SkippedItem } from "./dataset.js"

/** Options a dataset loader may use; each loader reads the ones that concern it. */
export interface DatasetOptions {
  /** Resize images to imgSize × imgSize (default: their own size, when they all agree). */
  readonly imgSize?: number
  /** Seed of the train/test split for datasets that have none (spam, a single CSV/JSONL file). */
  readonly seed?: number
  /** CSV/JSONL: the label column (default `label`). */
  readonly label?: string
  /** CSV/JSONL: one text column, turned into text features. */
  readonly text?: string
  /** CSV/JSONL: numeric feature columns (default: every column but the label and `id`). */
  readonly features?: ReadonlyArray<string>
  /** Skip corrupt items (an image that does not decode, a bad row) with a warning, instead of failing. */
  readonly skipBad?: boolean
  /** Text: `tfidf` features (default) or padded `tokens` ids, for embedding models. */
  readonly textRepresentation?: "tfidf" | "tokens"
  /** Text: the largest vocabulary (default 2000). */
  readonly vocabSize?: number
  /** Text, `tokens`: sequence length (default 256). */
  readonly maxTokens?: number
  /** Image folders: where to cache decoded images (default `PATH/.deal-cache`, or $DEAL_CACHE_DIR); `false` turns the cache off. */
  readonly cacheDir?: string | false
  /** Unlabelled data (`deal label`): the class names, in the order of their keys (default: a labelled test split's). */
  readonly classes?: ReadonlyArray<string>
  /** Single-file datasets: the fraction held out for testing (default 0.2). */
  readonly testFraction?: number
}

/** Logs one warning for the items skipped from `source`, naming the first few. */
export const warnSkipped = (source: string, skipped: ReadonlyArray<SkippedItem>, total: number): Effect.Effect<void> => {
  if (skipped.length === 0) return Effect.void
  const shown = skipped.slice(0, 3).map((s) => `${s.file}: ${s.message}`)
  const more = skipped.length > shown.length ? `; and ${skipped.length - shown.length} more` : ""
  return Effect.logWarning(`skipped ${skipped.length} bad item(s) of ${total} in ${source} (--skip-bad): ${shown.join("; ")}${more}`)
}
