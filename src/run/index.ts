/**
 * Run: The run record: `activeLearning` and `runExperiment`, the spec and its resolution, the one run
 * preparation, the run directory's files, resuming, the lock, stop analysis.
 */
export { activeLearning, type ActiveLearningConfig, type StageLayers } from "./active-learning.js"
export { runExperiment, runResolved, type ExperimentOptions, type ExperimentError } from "./experiment.js"
export { defaultStages, defaultStagesLayer, prepareRun, type PreparedRun, type PrepareOptions, type PrepareError, type StageConfig } from "./prepare.js"
export { ExperimentSpec, SpecError, Seed, decodeSpec, encodeSpec, resolveSpec, budgetFields, specDifferences, type ExperimentSpecInput, type ResolvedExperiment } from "./spec.js"
export { resumeExperiment, ResumeOutcome, type ResumeOptions } from "./resume.js"
export { runDirectoryReporter, type RunDirectoryOptions } from "./run-directory.js"
export { runFile, modelDir, readSpecFile, readResultsFile, readObservations, readCheckpoint, resultsTable, predictionsTable, resultColumns, timingColumns, ResultsFile, type Checkpoint, type RecordedRound, type StopRecord, type ComputeRecord } from "./run-files.js"
export { FORMAT_VERSION } from "./json-file.js"
export { lockDirectory, LockError } from "./lock.js"
export { stopAnalysis, analyzeRun, stoppingTable } from "./stop-analysis.js"
export { readGridFile, GridReportOptions, PaperReference, type GridRun, type ResolvedGrid } from "./grid-file.js"
