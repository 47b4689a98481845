import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { DatasetSplits } from "../data/dataset.js"
import type { DataConfigError } from "../data/errors.js"
import type { InitialSelection } from "../data/split.js"
import { combineReporters, RunReporter, type RunSummary } from "../loop/events.js"
import { runLoop } from "../loop/loop.js"
import type { LoopResume, ResumeError } from "../loop/resume.js"
import { groundTruthOracle } from "../loop/oracle.js"
import type { Progress } from "../runtime/progress.js"
import type { QuerierOptions } from "../loop/querier.js"
import { type Evaluator, type Observer, Oracle, type OracleError, type Querier, type Trainer } from "../loop/stages.js"
import type { ModelFactory } from "../models/model-factory.js"
import type { TrainConfig } from "../models/train.js"
import { Backend, computeIdentity } from "../runtime/backend.js"
import { Rng } from "../runtime/rng.js"
import type { WriteError } from "../runtime/atomic-write.js"
import { maxRounds } from "../stopping/budget.js"
import { anyOf } from "../stopping/combinators.js"
import type { StoppingCriterion } from "../stopping/criterion.js"
import type { Strategy } from "../strategies/strategy.js"
import type { LockError } from "./lock.js"
import { defaultStages } from "./prepare.js"
import { type RunDirectoryOptions, runDirectoryReporter } from "./run-directory.js"
import type { SpecError } from "./spec.js"

/** What a stage layer may use: the run's seeded streams and the progress display. */
type StageLayer<S> = Layer.Layer<S, never, Rng | Progress>

/** Replacements for the default stages, each a Layer of your own. */
export interface StageLayers {
  readonly trainer?: StageLayer<Trainer>
  readonly evaluator?: StageLayer<Evaluator>
  readonly observer?: StageLayer<Observer>
  readonly querier?: StageLayer<Querier>
  readonly oracle?: StageLayer<Oracle>
}

export interface ActiveLearningConfig {
  readonly data: DatasetSplits
  /** The model to train each round (unused when `stages.trainer` replaces the trainer). */
  readonly model: ModelFactory
  /** The query strategy (unused when `stages.querier` replaces the querier). */
  readonly strategy: Strategy
  readonly train: TrainConfig & { readonly warmStart?: boolean }
  readonly nInitLabeled: number
  readonly initialSelection?: InitialSelection
  readonly nQuery: number
  /** Acquisition rounds after round 0: the run has nRound + 1 rows unless it stops earlier. */
  readonly nRound: number
  readonly seed: number
  /** More stopping criteria, besides the nRound budget. */
  readonly stopping?: ReadonlyArray<StoppingCriterion<any>>
  /** The annotator; by default the dataset's own labels. */
  readonly oracle?: Oracle["Type"]
  /** Layers that replace default stages (a Trainer, Evaluator, Observer, Querier or Oracle of your own). */
  readonly stages?: StageLayers
  /** Another reporter (a dashboard, a logger), besides the run directory. */
  readonly reporter?: RunReporter["Type"]
  /** MC-dropout passes T and pool subsampling for the score stage (see `QuerierOptions`). */
  readonly query?: QuerierOptions
  /** Run directory; nothing is written without one. */
  readonly out?: string
  /**
   * How to treat what `out` holds: `new` (the default) refuses a directory holding a run;
   * `restart` may replace this run when it never completed a round. A `resume` goes on after its rounds.
   */
  readonly mode?: Exclude<RunDirectoryOptions["mode"], { readonly _tag: "resume" }>
  /** What to store as spec.json (defaults to the numeric part of this config). */
  readonly spec?: Readonly<Record<string, unknown>>
  /** Continue from a checkpoint (see `resumeExperiment`); `weights` warm-start the next round. */
  readonly resume?: LoopResume & { readonly weights?: ReadonlyArray<Float32Array> }
}

/**
 * One active-learning run from plain values: the default train, evaluate, observe, score/select
 * and oracle stages built from `config`, any of them replaceable (a model factory, a strategy,
 * an oracle, or a whole stage Layer of your own), run by the same loop with the same outputs as
 * `deal run`.
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import { Effect, Layer } from "effect"
 * import { Data, Models, Run, Runtime, Strategies } from "deal-active-learning"
 *
 * // A toy dataset: points in [-1, 1]², of class 1 above the diagonal x + y = 0.
 * const data = { train: Data.halfPlane(300, 1), test: Data.halfPlane(200, 2) }
 * const train = { epochs: 20, batchSize: 16, learningRate: 0.05 }
 * const backend = Layer.merge(Runtime.Backend.layer("cpu"), Runtime.Progress.silent)
 *
 * // 10 labels, then 3 rounds of 10 queried by entropy; nothing is written without `out`.
 * const summary = await Effect.runPromise(
 *   Run.activeLearning({ data, model: Models.mlp({ hidden: 16 }), strategy: Strategies.entropy, train, nInitLabeled: 10, nQuery: 10, nRound: 3, seed: 1 }).pipe(
 *     Effect.provide(backend)
 *   )
 * )
 * assert.deepStrictEqual(summary.rounds.map((r) => r.labeled), [10, 20, 30, 40])
 * assert.ok(summary.rounds[3].accuracy > 0.8)
 * ```
 */
export const activeLearning = (
  config: ActiveLearningConfig
): Effect.Effect<RunSummary, DataConfigError | ResumeError | OracleError | WriteError | LockError | SpecError, Backend | Progress> =>
  Effect.scoped(
    Effect.gen(function* () {
      const backend = yield* Backend
      const spec = config.spec ?? {
        strategy: config.strategy.name,
        nInitLabeled: config.nInitLabeled,
        initialSelection: config.initialSelection ?? "random",
        nQuery: config.nQuery,
        nRound: config.nRound,
        seed: config.seed,
        ...config.train
      }
      const resume = config.resume
      const directory =
        config.out === undefined
          ? RunReporter.none
          : yield* runDirectoryReporter(config.out, {
              spec,
              compute: computeIdentity(backend.name),
              test: config.data.test,
              mode: resume === undefined ? (config.mode ?? { _tag: "new" }) : { _tag: "resume", rounds: resume.rounds, observations: resume.observations }
            })
      const reporter = config.reporter === undefined ? directory : combineReporters(directory, config.reporter)
      const stages = config.stages ?? {}
      const defaults = defaultStages({ model: config.model, strategy: config.strategy, train: { ...config.train, initialWeights: resume?.weights }, query: config.query })
      const layers = Layer.mergeAll(
        stages.trainer ?? defaults.trainer,
        stages.evaluator ?? defaults.evaluator,
        stages.observer ?? defaults.observer,
        stages.querier ?? defaults.querier,
        stages.oracle ?? (config.oracle === undefined ? groundTruthOracle(config.data.train) : Layer.succeed(Oracle, config.oracle)),
        Layer.succeed(RunReporter, reporter)
      ).pipe(Layer.provideMerge(Rng.layer(config.seed)))
      return yield* runLoop({
        data: config.data,
        nInitLabeled: config.nInitLabeled,
        initialSelection: config.initialSelection ?? "random",
        nQuery: config.nQuery,
        stopping: anyOf([...(config.stopping ?? []), maxRounds(config.nRound)]),
        resume
      }).pipe(Effect.provide(layers))
    })
  )
