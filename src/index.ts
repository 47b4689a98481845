/**
 * deal: deep active learning for TypeScript. Every stage of the loop (load, train, evaluate,
 * score, select, stop, and the oracle) is a small Effect service or a pure function, so a
 * pipeline is composed in code from the same pieces the `deal` CLI uses.
 */
// runtime
export { Backend, BackendError, initBackend, backendNames, computeIdentity, KERNELS_VERSION, type BackendName, type BackendPreference } from "./runtime/backend.js"
export { RandomStream, deriveSeed, type RandomState } from "./runtime/random.js"
export { Rng, randomStream } from "./runtime/rng.js"
export { acquireDisposable, acquireTensor } from "./runtime/tensors.js"
export { registerWasmConvGradients } from "./runtime/wasm-conv-grads.js"
// data
export * from "./data/dataset.js"
export { DataError, DataConfigError, type DataErrorReason } from "./data/errors.js"
export { readIdx, parseIdx, type IdxArray } from "./data/idx.js"
export { loadMnist, mnistDataDir, idxDataset, type IdxFile } from "./data/mnist.js"
export {
  loadDataset, datasetNames, datasetForms, datasetDescriptions, datasetKind, parseDatasetName, type DatasetOptions, type DatasetRef
} from "./data/catalogue.js"
export { loadImageFolder, imageExtensions } from "./data/folder.js"
export { loadTable, type TableFormat } from "./data/table.js"
export { loadFashionMnist, fashionMnistDir, fashionClasses } from "./data/fashion-mnist.js"
export { loadSpam, emailText, spamClasses } from "./data/spam.js"
export { tokenize, buildVocabulary, vectorize, textDatasets, type TextOptions, type TextSplit, type Vocabulary } from "./data/text.js"
export * from "./data/pool.js"
export { initialIndices, subsample, splitValidation, type InitialSelection } from "./data/split.js"
// models
export type { ModelContext, ModelFactory } from "./models/model-factory.js"
export { mlp } from "./models/mlp.js"
export { galCnn, galCnnKeras } from "./models/gal-cnn.js"
export { modelCatalogue, modelNames, modelSuits, checkModelInput, type CatalogueModel, type MakeOptions } from "./models/catalogue.js"
export { logisticRegression, embeddingBag, textCnn, EmbeddingBag, type TokenModelOptions } from "./models/text-models.js"
export { registerWasmSegmentSum } from "./runtime/wasm-segment-sum.js"
export { SeededDropout, reseedDropout } from "./models/seeded-dropout.js"
export { fitModel, crossEntropy, type TrainConfig, type EpochReport } from "./models/train.js"
export { predictProbabilities } from "./models/predict.js"
export { loadModel } from "./models/weights.js"
export {
  modelOutputs, layerChain, dropoutRate, hasDropout, NoDropoutError,
  type LayerChain, type McRequest, type OutputRequest, type ModelOutputs
} from "./models/forward.js"
export { classificationMetrics, macroF1, argmaxRows, type ClassificationMetrics } from "./models/metrics.js"
// strategies
export type {
  Strategy, SelectionInput, StrategyDoc, StrategyNeed, Direction, ScoredStrategy, GradientEmbeddingParts, ModelAccess
} from "./strategies/strategy.js"
export { isScored, required, unionNeeds, strategyNeeds, MissingNeedError } from "./strategies/strategy.js"
export { scoringStrategy, scoredStrategy, type ScoringStrategyOptions, type ScoredStrategyOptions } from "./strategies/scoring.js"
export { meanProbabilities, baldScore, variationRatioScore, meanStdScore } from "./strategies/mc-scores.js"
export { leastConfidenceDropout } from "./strategies/least-confidence-dropout.js"
export { marginDropout } from "./strategies/margin-dropout.js"
export { entropyDropout } from "./strategies/entropy-dropout.js"
export { variationRatios } from "./strategies/variation-ratios.js"
export { meanStd } from "./strategies/mean-std.js"
export { bald } from "./strategies/bald.js"
export { coreset, kCenterGreedy, type KCenterOptions } from "./strategies/coreset.js"
export { kmeansSampling, nearestToCentres } from "./strategies/kmeans.js"
export { badge, badgeSeeds, gradientSquaredDistancesTo, gradientSquaredNorms, type FactorisedEmbeddings } from "./strategies/badge.js"
export {
  minSquaredDistances, nearestSquaredDistances, rowSquaredNorms, squaredDistancesToRow, squaredDistanceFromDots, weightedDraw, defaultDistanceBudget
} from "./strategies/kernels/distances.js"
export { kmeans, kmeansPlusPlusSeeds, type KMeansOptions, type KMeansResult } from "./strategies/kernels/kmeans.js"
export { tieBreakRanks } from "./strategies/kernels/tie-break.js"
export { entropyScore, rowEntropy } from "./strategies/kernels/entropy.js"
export { batchbald, batchBaldSelect, type BatchBaldOptions } from "./strategies/batchbald.js"
export { stochasticBatch, stochasticKeys, type StochasticMode, type StochasticBatchOptions } from "./strategies/stochastic-batch.js"
export { power } from "./strategies/power.js"
export { softmax } from "./strategies/softmax.js"
export { softrank } from "./strategies/softrank.js"
export { weightedCombination, orientedRanks, type WeightedPart } from "./strategies/combination.js"
export { typiclust, typiclustSelect, type TypiclustOptions } from "./strategies/typiclust.js"
export { clusterMargin, averageLinkage, type ClusterMarginOptions } from "./strategies/cluster-margin.js"
export { deepfool, attackScores, type AdversarialOptions } from "./strategies/deepfool.js"
export { bim } from "./strategies/bim.js"
export { deepFoolAttack, bimAttack, type AttackResult, type DeepFoolOptions, type BimOptions } from "./models/adversarial.js"
export { tidyValue } from "./runtime/tidy-value.js"
export { topK } from "./strategies/kernels/top-k.js"
export { random } from "./strategies/random.js"
export { leastConfidence, maxProbability } from "./strategies/least-confidence.js"
export { margin, marginScore } from "./strategies/margin.js"
export { entropy } from "./strategies/entropy.js"
export { strategyCatalogue, findStrategy, strategyNames } from "./strategies/catalogue.js"
// stopping
export * from "./stopping/criterion.js"
export { anyOf, allOf, after } from "./stopping/combinators.js"
export { maxRounds, maxLabels, maxSeconds, poolExhausted, targetAccuracy } from "./stopping/budget.js"
export { cohenKappa } from "./stopping/kappa.js"
export { stabilizingPredictions } from "./stopping/stabilizing-predictions.js"
export { changingConfidence } from "./stopping/changing-confidence.js"
export { maxConfidence } from "./stopping/max-confidence.js"
export { overallUncertainty } from "./stopping/overall-uncertainty.js"
export { selectedAccuracy } from "./stopping/selected-accuracy.js"
export { minExpectedError } from "./stopping/min-expected-error.js"
export { classificationChange } from "./stopping/classification-change.js"
export { deltaF, deltaFBetween } from "./stopping/delta-f.js"
export { performanceConvergence } from "./stopping/performance-convergence.js"
export { validationPlateau } from "./stopping/validation-plateau.js"
export { parseStopping, StoppingSpecError, stoppingNames, stoppingCatalogue, methodNames } from "./stopping/catalogue.js"
export { analyzeStopping, stoppingCost, defaultCostWeights, type CostWeights, type StopPoint } from "./stopping/analysis.js"
// loop: the round and its stages
export { Trainer, Evaluator, Observer, Querier, Oracle, OracleError, type TrainedModel, type QueryResult, type Evaluation } from "./loop/stages.js"
export { RunEvent, RunReporter, combineReporters, type RoundResult, type RunSummary, type LoopCheckpoint } from "./loop/events.js"
export { Progress } from "./runtime/progress.js"
export { modelTrainer, type ModelTrainerOptions } from "./loop/trainer.js"
export { modelEvaluator } from "./loop/evaluator.js"
export { stopSetObserver } from "./loop/observer.js"
export { strategyQuerier, computeNeeds, roundCandidates, defaultMcSamples, type QuerierOptions } from "./loop/querier.js"
export { groundTruthOracle } from "./loop/oracle.js"
export { runLoop, type LoopConfig } from "./loop/loop.js"
export { type LoopResume, replayStopping, ResumeError } from "./loop/resume.js"
export { runRound, queriedObservation, type Chosen, type RoundInput, type RoundOutcome } from "./loop/round.js"
export { initialSet } from "./loop/initial-set.js"
export { appendLabeled, emptyLabeledSet, labeledSet, labelOf, type LabeledSet } from "./data/labeled-set.js"
// run: the run record
export { activeLearning, type ActiveLearningConfig, type StageLayers } from "./run/active-learning.js"
export { runExperiment, runResolved, type ExperimentOptions, type ExperimentError } from "./run/experiment.js"
export { defaultStages, defaultStagesLayer, prepareRun, type PreparedRun, type PrepareOptions, type PrepareError, type StageConfig } from "./run/prepare.js"
export {
  ExperimentSpec, SpecError, Seed, decodeSpec, encodeSpec, resolveSpec, budgetFields, specDifferences,
  type ExperimentSpecInput, type ResolvedExperiment
} from "./run/spec.js"
export { resumeExperiment, ResumeOutcome, type ResumeOptions } from "./run/resume.js"
export { runDirectoryReporter, type RunDirectoryOptions } from "./run/run-directory.js"
export {
  runFile, modelDir, readSpecFile, readResultsFile, readObservations, readCheckpoint, resultsTable, predictionsTable, resultColumns,
  timingColumns, ResultsFile, type Checkpoint, type RecordedRound, type StopRecord, type ComputeRecord
} from "./run/run-files.js"
export { FORMAT_VERSION } from "./run/json-file.js"
export { lockDirectory, LockError } from "./run/lock.js"
export { stopAnalysis, analyzeRun, stoppingTable } from "./run/stop-analysis.js"
export { readGridFile, GridReportOptions, PaperReference, type GridRun, type ResolvedGrid } from "./run/grid-file.js"
// grid
export {
  GridSpec, GridBase, GridOverride, GridProfile, decodeGridSpec, readGridSpec, resolveGrid, readResolvedGrid, runDir, type GridSpecInput
} from "./grid/spec.js"
export { runGrid, GridError, workerEntry, type GridOptions, type GridSummary } from "./grid/runner.js"
export { GridProgress, GridEvent } from "./grid/progress.js"
export { runGridJob, type GridJob, type JobOutcome, type JobRound } from "./grid/job.js"
export { gridReport, defaultTargets, type GridReport, type ReportOptions, type StrategySummary, type StoppingSummary } from "./grid/report.js"
// report
export { WriteError } from "./runtime/atomic-write.js"
export { writeFileAtomic } from "./runtime/atomic-write.js"
export { renderSvg } from "./report/vega.js"
export { aubc, labelsToReach, meanCurves, commonBudget, sampleStd, spread, type CurvePoint, type RunCurve, type MeanPoint, type Spread } from "./report/grid-stats.js"
export { learningCurvesChart, stoppingSummaryChart } from "./report/grid-charts.js"
