/**
 * The data people label, and the loop's stages that learn from their labels: what `deal label`
 * and `deal serve --label-studio` both start from. The spec's dataset is loaded as data to label
 * (`--classes`; its labels unknown), its strategy and model resolved with their defaults, and the
 * Trainer, Evaluator and Querier built for it, seeded by the spec.
 */
import { relative, sep } from "node:path"
import { Effect, Layer } from "effect"
import { findBackbone } from "../backbones/catalogue.js"
import { embedSplits } from "../backbones/embed-splits.js"
import { datasetKind, loadDataset, parseDatasetName } from "../data/catalogue.js"
import type { Dataset } from "../data/dataset.js"
import { modelEvaluator } from "../loop/evaluator.js"
import { stopSetObserver } from "../loop/observer.js"
import { Progress } from "../runtime/progress.js"
import { strategyQuerier } from "../loop/querier.js"
import type { Evaluator, Observer, Querier, Trainer } from "../loop/stages.js"
import { modelTrainer } from "../loop/trainer.js"
import { modelSuits } from "../models/catalogue.js"
import type { LabelSpec } from "../run/label-spec.js"
import { checkModelSuits, type ResolvedExperiment, resolveSpec, SpecError } from "../run/spec.js"
import { Rng } from "../runtime/rng.js"

/** What to label and how to learn from it: a label spec without `deal label`'s retraining rhythm. */
export type LabelDataSpec = Omit<LabelSpec, "retrainEvery">

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
 * Loads the spec's data to label (embedded by its backbone, if any, unless `embed` is false: for
 * a thread that shows the items while another trains) and builds the stages for it; `command`
 * names who asks, in errors.
 */
export const loadDataToLabel = (spec: LabelDataSpec, command: string, options: { readonly embed?: boolean } = {}) =>
  Effect.gen(function* () {
    const resolved = yield* resolveSpec({
      dataset: spec.dataset,
      strategy: spec.strategy,
      seed: spec.seed,
      nInitLabeled: 0,
      ...(spec.model === undefined ? {} : { model: spec.model }),
      ...(spec.backbone === undefined ? {} : { backbone: spec.backbone }),
      ...(spec.epochs === undefined ? {} : { epochs: spec.epochs }),
      ...(spec.batchSize === undefined ? {} : { batchSize: spec.batchSize }),
      ...(spec.learningRate === undefined ? {} : { learningRate: spec.learningRate })
    })
    const kind = yield* datasetKind(spec.dataset, { text: spec.text })
    const backbone = spec.backbone === undefined ? undefined : yield* findBackbone(spec.backbone, kind)
    yield* checkModelSuits(resolved, backbone === undefined ? kind : "embedding")
    const loaded = yield* loadDataset(spec.dataset, {
      seed: spec.seed,
      imgSize: spec.imgSize,
      text: spec.text,
      features: spec.features,
      classes: spec.classes,
      textRepresentation: kind === "text" && !modelSuits(resolved.model).includes("text") ? "tokens" : "tfidf"
    })
    if (loaded.train.y.some((y) => y >= 0)) {
      return yield* new SpecError({ message: `${spec.dataset} is labelled already: ${command} takes data to label (an unlabeled/ folder, or a table without a label column, with --classes)` })
    }
    const data = backbone === undefined || options.embed === false ? loaded : yield* embedSplits(loaded, backbone)
    const pool = data.train
    const stages = Layer.mergeAll(
      modelTrainer(resolved.model.make({ vocabularySize: pool.vocabulary === undefined ? undefined : pool.vocabulary.length + 2 }), {
        epochs: resolved.spec.epochs,
        batchSize: resolved.spec.batchSize,
        learningRate: resolved.spec.learningRate
      }),
      modelEvaluator,
      stopSetObserver,
      strategyQuerier(resolved.strategy, { mcSamples: resolved.spec.mcSamples })
    ).pipe(Layer.provide(Rng.layer(spec.seed)), Layer.provide(Progress.silent))
    const ids: ReadonlyArray<string> = pool.ids ?? Array.from(pool.y, (_, i) => String(i))
    const ref = parseDatasetName(spec.dataset)
    const folder =
      kind === "image" && ref?._tag === "Path" ? { root: ref.path, paths: ids.map((id) => relative(`${ref.path}${sep}unlabeled`, id).split(sep).join("/")) } : undefined
    return { resolved, pool, test: data.test, ids, ...(folder === undefined ? {} : { folder }), stages } satisfies DataToLabel
  })
