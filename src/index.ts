/**
 * deal: deep active learning for TypeScript. Every stage of the loop (load, train, evaluate,
 * score, select, stop, and the oracle) is a small Effect service or a pure function, so a
 * pipeline is composed in code from the same pieces the `deal` command uses. The package offers
 * one namespace per room of the source (`Run.activeLearning`, `Strategies.entropy`,
 * `Loop.Trainer`, …), and `deal-active-learning/testing` the strategy laws; kernels and the
 * backends' internals stay inside.
 */
export * as Runtime from "./runtime/index.js"
export * as Data from "./data/index.js"
export * as Models from "./models/index.js"
export * as Strategies from "./strategies/index.js"
export * as Stopping from "./stopping/index.js"
export * as Loop from "./loop/index.js"
export * as Run from "./run/index.js"
export * as Grid from "./grid/index.js"
export * as Report from "./report/index.js"
