/**
 * `deal label`: a labelling run. Its directory is an ordinary deal run (each model a round:
 * `spec.json`, `results.json`, `observations.jsonl`, the models, the checkpoint; so `deal report`
 * and `deal stop-analysis` read it) that also holds its label spec (`src/run/label-spec.ts`: the
 * dataset, classes, strategy, model and training) and the labels log; `--resume DIR` opens them
 * again and goes on. The dataset is loaded as data to label (`--classes`), embedded by a
 * backbone when one is given, the session built from the loop's stages, and the server started;
 * the run holds the directory's lock until it stops, so one server writes a run at a time.
 */
import { Effect, Either, Layer, type Scope } from "effect"
import { findBackbone } from "../backbones/catalogue.js"
import { embedSplits } from "../backbones/embed-splits.js"
import { datasetKind, loadDataset, parseDatasetName } from "../data/catalogue.js"
import { featureSize } from "../data/dataset.js"
import { modelEvaluator } from "../loop/evaluator.js"
import { stopSetObserver } from "../loop/observer.js"
import { Progress } from "../loop/progress.js"
import { strategyQuerier } from "../loop/querier.js"
import { modelTrainer } from "../loop/trainer.js"
import { modelSuits } from "../models/catalogue.js"
import { type LabelSpec, readLabelSpec, writeLabelSpec } from "../run/label-spec.js"
import { openLabelsLog } from "../run/labels-log.js"
import { completedRounds } from "../run/resume.js"
import { runDirectoryReporter } from "../run/run-directory.js"
import { holdsRun } from "../run/run-files.js"
import { checkModelSuits, encodeSpec, resolveSpec, SpecError } from "../run/spec.js"
import { Backend, computeIdentity } from "../runtime/backend.js"
import { Rng } from "../runtime/rng.js"
import { methodNames, parseStopping } from "../stopping/catalogue.js"
import { startLabelServer } from "./server.js"
import { openLabelSession } from "./session.js"

export interface LabelRunOptions {
  readonly dir: string
  /** Go on with the run in `dir` (else `dir` must hold none). */
  readonly resume: boolean
  readonly host: string
  readonly port: number
  readonly token?: string
  readonly log: (line: string) => void
}

/** Starts the labelling run `spec` in `options.dir` (its spec written there first); the server's URL. */
export const startLabelRun = (spec: LabelSpec, options: LabelRunOptions): Effect.Effect<{ readonly url: string }, unknown, Backend | Progress | Scope.Scope> =>
  Effect.gen(function* () {
    const { dir } = options
    if (!options.resume && ((yield* holdsRun(dir)) || Either.isRight(yield* Effect.either(readLabelSpec(dir))))) {
      return yield* new SpecError({ message: `--out ${dir} holds a run already: go on with deal label --resume ${dir}, or choose another --out` })
    }
    const run = yield* resolveLabelRun(spec)
    const kind = yield* datasetKind(spec.dataset, { text: spec.text })
    const backbone = spec.backbone === undefined ? undefined : yield* findBackbone(spec.backbone, kind)
    yield* checkModelSuits(run, backbone === undefined ? kind : "embedding")
    const loaded = yield* loadDataset(spec.dataset, {
      seed: spec.seed,
      imgSize: spec.imgSize,
      text: spec.text,
      features: spec.features,
      classes: spec.classes,
      textRepresentation: kind === "text" && !modelSuits(run.model).includes("text") ? "tokens" : "tfidf"
    })
    const pool = loaded.train
    if (pool.y.some((y) => y >= 0)) {
      return yield* new SpecError({ message: `${spec.dataset} is labelled already: deal label takes data to label (an unlabeled/ folder, or a table without a label column, with --classes)` })
    }
    const splits = backbone === undefined ? loaded : yield* embedSplits(loaded, backbone)
    const history = yield* completedRounds(dir)
    // Takes the directory's lock, and sweeps what killed writes left.
    const reporter = yield* runDirectoryReporter(dir, {
      spec: encodeSpec(run.spec),
      compute: computeIdentity((yield* Backend).name),
      test: splits.test,
      mode: history === undefined ? { _tag: "restart" } : { _tag: "resume", ...history }
    })
    yield* writeLabelSpec(dir, spec)
    const log = yield* openLabelsLog(dir)
    const train = splits.train
    const stages = Layer.mergeAll(
      modelTrainer(run.model.make({ vocabularySize: train.vocabulary === undefined ? undefined : train.vocabulary.length + 2 }), {
        epochs: run.spec.epochs,
        batchSize: run.spec.batchSize,
        learningRate: run.spec.learningRate
      }),
      modelEvaluator,
      stopSetObserver,
      strategyQuerier(run.strategy, { mcSamples: run.spec.mcSamples })
    ).pipe(Layer.provideMerge(Rng.layer(spec.seed)), Layer.provideMerge(Progress.silent))
    const stopping = methodNames.map((name) => Effect.runSync(parseStopping(name)))
    const session = yield* openLabelSession({ pool: train, test: splits.test, log, retrainEvery: spec.retrainEvery, seed: spec.seed, reporter, history, stopping }).pipe(Effect.provide(stages))
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

/** The run a label spec describes, resolved as `deal run` would (one retraining a round of `retrainEvery` labels). */
const resolveLabelRun = (spec: LabelSpec) =>
  resolveSpec({
    dataset: spec.dataset,
    strategy: spec.strategy,
    seed: spec.seed,
    nInitLabeled: 0,
    nQuery: spec.retrainEvery,
    ...(spec.model === undefined ? {} : { model: spec.model }),
    ...(spec.backbone === undefined ? {} : { backbone: spec.backbone }),
    ...(spec.epochs === undefined ? {} : { epochs: spec.epochs }),
    ...(spec.batchSize === undefined ? {} : { batchSize: spec.batchSize }),
    ...(spec.learningRate === undefined ? {} : { learningRate: spec.learningRate })
  })
