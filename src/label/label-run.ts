/**
 * `deal label`: a labelling run. Its directory holds its label spec (`src/run/label-spec.ts`:
 * the dataset, classes, strategy, model and training) and the labels log; `--resume DIR` opens both
 * again and goes on. The dataset is loaded as data to label (`--classes`), the session built
 * from the loop's stages, and the server started; the run holds the directory's lock until it
 * stops, so one server writes a run at a time.
 */
import { Effect, Layer, type Scope } from "effect"
import { datasetKind, loadDataset, parseDatasetName } from "../data/catalogue.js"
import { featureSize } from "../data/dataset.js"
import { modelEvaluator } from "../loop/evaluator.js"
import { Progress } from "../loop/progress.js"
import { strategyQuerier } from "../loop/querier.js"
import { modelTrainer } from "../loop/trainer.js"
import { modelSuits } from "../models/catalogue.js"
import { type LabelSpec, writeLabelSpec } from "../run/label-spec.js"
import { openLabelsLog } from "../run/labels-log.js"
import { lockDirectory } from "../run/lock.js"
import { checkModelSuits, resolveSpec, SpecError } from "../run/spec.js"
import type { Backend } from "../runtime/backend.js"
import { Rng } from "../runtime/rng.js"
import { startLabelServer } from "./server.js"
import { openLabelSession } from "./session.js"

export interface LabelRunOptions {
  readonly dir: string
  readonly host: string
  readonly port: number
  readonly token?: string
  readonly log: (line: string) => void
}

/** Starts the labelling run `spec` in `options.dir` (its spec written there first); the server's URL. */
export const startLabelRun = (spec: LabelSpec, options: LabelRunOptions): Effect.Effect<{ readonly url: string }, unknown, Backend | Scope.Scope> =>
  Effect.gen(function* () {
    yield* lockDirectory(options.dir)
    const resolved = yield* resolveSpec({
      dataset: spec.dataset,
      strategy: spec.strategy,
      seed: spec.seed,
      ...(spec.model === undefined ? {} : { model: spec.model }),
      ...(spec.epochs === undefined ? {} : { epochs: spec.epochs }),
      ...(spec.batchSize === undefined ? {} : { batchSize: spec.batchSize }),
      ...(spec.learningRate === undefined ? {} : { learningRate: spec.learningRate })
    })
    const kind = yield* datasetKind(spec.dataset, { text: spec.text })
    yield* checkModelSuits(resolved, kind)
    const data = yield* loadDataset(spec.dataset, {
      seed: spec.seed,
      imgSize: spec.imgSize,
      text: spec.text,
      features: spec.features,
      classes: spec.classes,
      textRepresentation: kind === "text" && !modelSuits(resolved.model).includes("text") ? "tokens" : "tfidf"
    })
    const pool = data.train
    if (pool.y.some((y) => y >= 0)) {
      return yield* new SpecError({ message: `${spec.dataset} is labelled already: deal label takes data to label (an unlabeled/ folder, or a table without a label column, with --classes)` })
    }
    yield* writeLabelSpec(options.dir, spec)
    const log = yield* openLabelsLog(options.dir)
    const stages = Layer.mergeAll(
      modelTrainer(resolved.model.make({ vocabularySize: pool.vocabulary === undefined ? undefined : pool.vocabulary.length + 2 }), {
        epochs: resolved.spec.epochs,
        batchSize: resolved.spec.batchSize,
        learningRate: resolved.spec.learningRate
      }),
      modelEvaluator,
      strategyQuerier(resolved.strategy, { mcSamples: resolved.spec.mcSamples })
    ).pipe(Layer.provideMerge(Rng.layer(spec.seed)), Layer.provideMerge(Progress.silent))
    const session = yield* openLabelSession({ pool, test: data.test, log, retrainEvery: spec.retrainEvery, seed: spec.seed }).pipe(Effect.provide(stages))
    const ids: ReadonlyArray<string> = pool.ids ?? Array.from(pool.y, (_, i) => String(i))
    const ref = parseDatasetName(spec.dataset)
    const items =
      kind === "image" && ref?._tag === "Path"
        ? { kind: "image" as const, root: ref.path, files: ids }
        : {
            kind: "text" as const,
            texts:
              pool.texts ??
              ids.map((id: string, i: number) => `${id}: ${Array.from(pool.x.subarray(i * featureSize(pool), (i + 1) * featureSize(pool)), (v) => v.toFixed(3)).join(", ")}`)
          }
    return yield* startLabelServer({ session, classes: pool.classNames, ids, items, host: options.host, port: options.port, token: options.token, log: options.log })
  })
