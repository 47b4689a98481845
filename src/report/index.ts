/**
 * Report: Figures and tables for papers: vega-lite charts rendered to SVG, and the statistics of learning
 * curves (means, spreads, area under the budget curve, labels to reach an accuracy).
 */
export { renderSvg } from "./vega.js"
export { aubc, labelsToReach, meanCurves, commonBudget, sampleStd, spread, type CurvePoint, type RunCurve, type MeanPoint, type Spread } from "./grid-stats.js"
export { learningCurvesChart, stoppingSummaryChart } from "./grid-charts.js"
