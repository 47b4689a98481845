import { Effect, Layer } from "effect"
import type { DatasetSplits } from "../data/dataset.js"
import type { DataConfigError } from "../data/errors.js"
import type { InitialSelection } from "../data/split.js"
import type { ModelFactory } from "../models/model-factory.js"
import type { TrainConfig } from "../models/train.js"
import { Backend } from "../runtime/backend.js"
import { Rng } from "../runtime/rng.js"
import type { ReportError } from "../report/errors.js"
import { maxRounds } from "../stopping/budget.js"
import { anyOf } from "../stopping/combinators.js"
import type { StoppingCriterion } from "../stopping/criterion.js"
import type { Strategy } from "../strategies/strategy.js"
import { modelEvaluator } from "../loop/evaluator.js"
import { combineReporters, RunReporter, type RunSummary } from "../loop/events.js"
import { type LoopResume, runLoop } from "../loop/loop.js"
import { groundTruthOracle } from "../loop/oracle.js"
import type { Progress } from "../loop/progress.js"
import { type QuerierOptions, strategyQuerier } from "../loop/querier.js"
import { runDirectoryReporter } from "./run-directory.js"
import { Oracle, type OracleError } from "../loop/stages.js"
import { modelTrainer } from "../loop/trainer.js"

export interface ActiveLearningConfig {
  readonly data: DatasetSplits
  readonly model: ModelFactory
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
  /** Another reporter (a dashboard, a logger), besides the run directory. */
  readonly reporter?: RunReporter["Type"]
  /** MC-dropout passes T and pool subsampling for the score stage (see `QuerierOptions`). */
  readonly query?: QuerierOptions
  /** Run directory for spec.json and results; nothing is written without one. */
  readonly out?: string
  /** What to store as spec.json (defaults to the numeric part of this config). */
  readonly spec?: unknown
  /** Continue from a checkpoint (see `resumeExperiment`); `weights` warm-start the next round. */
  readonly resume?: LoopResume & { readonly weights?: ReadonlyArray<Float32Array> }
}

/**
 * One active-learning run from plain values: the default train, evaluate, score/select and
 * oracle stages built from `config`, any of them replaceable (a model factory, a strategy,
 * an oracle of your own), run by the same loop with the same outputs as `deal run`.
 */
export const activeLearning = (
  config: ActiveLearningConfig
): Effect.Effect<RunSummary, DataConfigError | OracleError | ReportError, Backend | Progress> =>
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
            backend: backend.name,
            test: config.data.test,
            ...(resume === undefined ? {} : { existing: resume })
          })
    const reporter = config.reporter === undefined ? directory : combineReporters(directory, config.reporter)
    const stages = Layer.mergeAll(
      modelTrainer(config.model, { ...config.train, ...(resume?.weights === undefined ? {} : { initialWeights: resume.weights }) }),
      modelEvaluator,
      strategyQuerier(config.strategy, config.query),
      config.oracle === undefined ? groundTruthOracle(config.data.train) : Layer.succeed(Oracle, config.oracle),
      Layer.succeed(RunReporter, reporter)
    ).pipe(Layer.provideMerge(Rng.layer(config.seed)))
    return yield* runLoop({
      data: config.data,
      nInitLabeled: config.nInitLabeled,
      initialSelection: config.initialSelection ?? "random",
      nQuery: config.nQuery,
      stopping: anyOf([...(config.stopping ?? []), maxRounds(config.nRound)]),
      ...(resume === undefined ? {} : { resume })
    }).pipe(Effect.provide(stages))
  })
