/**
 * Grid: Grids of runs: the grid spec and its profiles, running a grid on worker threads, its progress
 * events, and its report.
 */
export { GridSpec, GridBase, GridOverride, GridProfile, decodeGridSpec, readGridSpec, resolveGrid, readResolvedGrid, runDir, type GridSpecInput } from "./spec.js"
export { runGrid, GridError, type GridOptions, type GridSummary } from "./runner.js"
export { GridProgress, GridEvent } from "./progress.js"
export { runGridJob, type GridJob, type JobOutcome, type JobRound } from "./job.js"
export { gridReport, defaultTargets, type GridReport, type ReportOptions, type StrategySummary, type StoppingSummary } from "./report.js"
