/**
 * deal: deep active learning for TypeScript. Every stage of the loop (load, train, evaluate,
 * score, select, stop, and the oracle) is a small Effect service or a pure function, so a
 * pipeline is composed in code from the same pieces the `deal` CLI uses.
 */
// runtime
export { Backend, BackendError, initBackend, backendNames, type BackendName, type BackendPreference } from "./runtime/backend.js"
export { RandomStream, deriveSeed, type RandomState } from "./runtime/random.js"
export { Rng, randomStream } from "./runtime/rng.js"
export { acquireDisposable, acquireTensor } from "./runtime/tensors.js"
export { registerWasmConvGradients } from "./runtime/wasm-conv-grads.js"
// data
export * from "./data/dataset.js"
export { DataError, DataConfigError } from "./data/errors.js"
export { readIdx, parseIdx, type IdxArray } from "./data/idx.js"
export { loadMnist, mnistDataDir } from "./data/mnist.js"
export { loadDataset, datasetNames } from "./data/catalogue.js"
export * from "./data/pool.js"
export { initialIndices, subsample, splitValidation, type InitialSelection } from "./data/split.js"
// models
export type { ModelContext, ModelFactory } from "./models/model-factory.js"
export { mlp } from "./models/mlp.js"
export { galCnn } from "./models/gal-cnn.js"
export { modelCatalogue, modelNames } from "./models/catalogue.js"
export { SeededDropout, reseedDropout } from "./models/seeded-dropout.js"
export { fitModel, crossEntropy, type TrainConfig, type EpochReport } from "./models/train.js"
export { predictProbabilities } from "./models/predict.js"
export { classificationMetrics, macroF1, argmaxRows, type ClassificationMetrics } from "./models/metrics.js"
// strategies
export type { Strategy, SelectionInput, StrategyDoc, StrategyNeed, Direction } from "./strategies/strategy.js"
export { scoringStrategy, type ScoringStrategyOptions } from "./strategies/scoring.js"
export { topK } from "./strategies/top-k.js"
export { random } from "./strategies/random.js"
export { leastConfidence, margin, entropy, maxProbability, marginScore, entropyScore } from "./strategies/uncertainty.js"
export { strategyCatalogue, findStrategy, strategyNames } from "./strategies/catalogue.js"
// stopping
export * from "./stopping/criterion.js"
export { maxRounds, maxLabels, maxSeconds, poolExhausted } from "./stopping/budget.js"
export { parseStopping, StoppingSpecError, stoppingNames } from "./stopping/parse.js"
// pipeline
export { Trainer, Evaluator, Querier, Oracle, OracleError, type TrainedModel, type QueryResult } from "./pipeline/stages.js"
export { RunEvent, RunReporter, combineReporters, type RoundResult, type RunSummary } from "./pipeline/events.js"
export { Progress } from "./pipeline/progress.js"
export { modelTrainer, type ModelTrainerOptions } from "./pipeline/trainer.js"
export { modelEvaluator } from "./pipeline/evaluator.js"
export { strategyQuerier } from "./pipeline/querier.js"
export { groundTruthOracle } from "./pipeline/oracle.js"
export { runLoop, type LoopConfig } from "./pipeline/loop.js"
export { activeLearning, type ActiveLearningConfig } from "./pipeline/active-learning.js"
export { runExperiment, SpecError } from "./pipeline/experiment.js"
export { ExperimentSpec, decodeSpec, encodeSpec, type ExperimentSpecInput } from "./pipeline/spec.js"
export { runDirectoryReporter, resultsTable, resultColumns, timingColumns } from "./pipeline/run-directory.js"
// report
export { ReportError } from "./report/errors.js"
export { writeFileAtomic } from "./report/atomic-write.js"
