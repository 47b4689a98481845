/**
 * The data people label, and the loop's stages that learn from their labels: what `deal label`
 * and `deal serve --label-studio` both start from. The spec's dataset is loaded as data to label
 * (`--classes`; its labels unknown), its strategy and model resolved with their defaults, and the
 * Trainer, Evaluator and Querier built for it, seeded by the spec.
 */
import { relative, sep } from "node:path"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { parseDatasetName } from "../data/catalogue.js"
import type { Dataset } from "../data/dataset.js"
import type { Evaluator, Observer, Querier, Trainer } from "../loop/stages.js"
import { type LabelDataSpec, labelExperiment } from "../run/label-spec.js"
import { defaultStagesLayer, prepareRun } from "../run/prepare.js"
import { type ResolvedExperiment, resolveSpec } from "../run/spec.js"
import { Progress } from "../runtime/progress.js"
import { Rng } from "../runtime/rng.js"

export type { LabelDataSpec } from "../run/label-spec.js"

export interface DataToLabel {
  /** The spec as a run of `deal run` (no initial labels). */
  readonly resolved: ResolvedExperiment
  /** The items to label (labels −1; a backbone's embeddings when the spec names one). */
  readonly pool: Dataset
  /** Labelled items to measure each model on (may be empty). */
  readonly test: Dataset
  /** Each item's id (an image's path, a row's id). */
  readonly ids: ReadonlyArray<string>
  /** Images: the folder of the dataset (`folder:PATH`), and each item's path relative to `PATH/unlabeled/` with `/` separators. */
  readonly folder?: { readonly root: string; readonly paths: ReadonlyArray<string> }
  /** The stages, seeded by the spec: Trainer, Evaluator, Observer, and the strategy's Querier. */
  readonly stages: Layer.Layer<Trainer | Evaluator | Observer | Querier>
}

/**
 * Prepares the spec's data to label as every run is prepared (`prepareRun`: embedded by its
 * backbone, if any, unless `embed` is false, for a thread that shows the items while another
 * trains) with the default stages for it; `command` names who asks, in errors.
 */
export const loadDataToLabel = (spec: LabelDataSpec, command: string, options: { readonly embed?: boolean } = {}) =>
  Effect.gen(function* () {
    const resolved = yield* resolveSpec(labelExperiment(spec))
    const prepared = yield* prepareRun(resolved, { toLabel: { command, classes: spec.classes }, embed: options.embed ?? true })
    const pool = prepared.data.train
    const stages = defaultStagesLayer({ model: prepared.model, strategy: resolved.strategy, train: prepared.train, query: prepared.query }).pipe(
      Layer.provide(Rng.layer(spec.seed)),
      Layer.provide(Progress.silent)
    )
    const ids: ReadonlyArray<string> = pool.ids ?? Array.from(pool.y, (_, i) => String(i))
    const ref = parseDatasetName(spec.dataset)
    const folder =
      prepared.kind === "image" && ref?._tag === "Path" ? { root: ref.path, paths: ids.map((id) => relative(`${ref.path}${sep}unlabeled`, id).split(sep).join("/")) } : undefined
    return { resolved, pool, test: prepared.data.test, ids, ...(folder === undefined ? {} : { folder }), stages } satisfies DataToLabel
  })
