/**
 * Stopping: Stopping criteria as pure folds over per-round observations: every criterion of the catalogue,
 * budgets, combinators (`anyOf`, `allOf`, `after`), `parseStopping`, and the post-hoc analysis.
 */
export * from "./criterion.js"
export { anyOf, allOf, after } from "./combinators.js"
export { maxRounds, maxLabels, maxSeconds, poolExhausted, targetAccuracy } from "./budget.js"
export { cohenKappa } from "./kappa.js"
export { stabilizingPredictions } from "./stabilizing-predictions.js"
export { changingConfidence } from "./changing-confidence.js"
export { maxConfidence } from "./max-confidence.js"
export { overallUncertainty } from "./overall-uncertainty.js"
export { selectedAccuracy } from "./selected-accuracy.js"
export { minExpectedError } from "./min-expected-error.js"
export { classificationChange } from "./classification-change.js"
export { deltaF, deltaFBetween } from "./delta-f.js"
export { performanceConvergence } from "./performance-convergence.js"
export { validationPlateau } from "./validation-plateau.js"
export { parseStopping, StoppingSpecError, stoppingNames, stoppingCatalogue, methodNames } from "./catalogue.js"
export { analyzeStopping, stoppingCost, defaultCostWeights, type CostWeights, type StopPoint } from "./analysis.js"
