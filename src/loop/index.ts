/**
 * Loop: The loop and its stages: the stage services (Trainer, Evaluator, Observer, Querier, Oracle) and
 * their default Layers, the one round every front end runs, the loop, its events and reporters.
 */
export { Trainer, Evaluator, Observer, Querier, Oracle, OracleError, type TrainedModel, type QueryResult, type Evaluation } from "./stages.js"
export { RunEvent, RunReporter, combineReporters, type RoundResult, type RunSummary, type LoopCheckpoint } from "./events.js"
export { modelTrainer, type ModelTrainerOptions } from "./trainer.js"
export { modelEvaluator } from "./evaluator.js"
export { stopSetObserver } from "./observer.js"
export { strategyQuerier, defaultMcSamples, type QuerierOptions } from "./querier.js"
export { groundTruthOracle } from "./oracle.js"
export { runLoop, type LoopConfig } from "./loop.js"
export { type LoopResume, replayStopping, ResumeError } from "./resume.js"
export { runRound, queriedObservation, type Chosen, type RoundInput, type RoundOutcome } from "./round.js"
export { initialSet } from "./initial-set.js"
