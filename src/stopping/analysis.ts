import { type Observation, type StoppingCriterion, firstStop } from "./criterion.js"

/** Weights of the cost figure C = (1 − accuracy) · futurePredictions · misclassificationCost + labels · labelCost. */
export interface CostWeights {
  /** Predictions the model will make after annotation stops (n). */
  readonly futurePredictions: number
  /** Cost of one wrong prediction (m). */
  readonly misclassificationCost: number
  /** Cost of one label (l). */
  readonly labelCost: number
}

export const defaultCostWeights: CostWeights = { futurePredictions: 10_000, misclassificationCost: 1, labelCost: 1 }

/**
 * The cost of stopping with `labels` labels at `accuracy` (Pullar-Strecker et al. 2021,
 * "Hitting the Target: Stopping Active Learning at the Cost-Based Optimum"):
 * C = (1 − accuracy) · n · m + labels · l.
 */
export const stoppingCost = (accuracy: number, labels: number, w: CostWeights): number =>
  (1 - accuracy) * w.futurePredictions * w.misclassificationCost + labels * w.labelCost

export interface StopPoint {
  readonly criterion: string
  /** Whether the criterion fired within the run; if not, the row describes the last round. */
  readonly fired: boolean
  readonly round: number
  readonly labels: number
  readonly accuracy: number
  readonly macroF1: number
  /** Labels not spent compared with the end of the run. */
  readonly labelsSaved: number
  /** Test accuracy at the stop minus at the end of the run (negative: accuracy given up). */
  readonly accuracyChange: number
  readonly cost: number
  readonly reason: string
}

/**
 * Post-hoc stopping analysis of a finished run: where each criterion would have stopped
 * (the same fold the live loop runs, over the recorded observations), its test accuracy and
 * F1 there, beside the run's final and best rounds, with the cost figure. Pure.
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import { Effect, Layer } from "effect"
 * import { Data, Loop, Models, Run, Runtime, Stopping, Strategies } from "deal-active-learning"
 *
 * // A toy dataset: points in [-1, 1]², of class 1 above the diagonal x + y = 0.
 * const data = { train: Data.halfPlane(300, 1), test: Data.halfPlane(200, 2) }
 * const train = { epochs: 20, batchSize: 16, learningRate: 0.05 }
 * const backend = Layer.merge(Runtime.Backend.layer("cpu"), Runtime.Progress.silent)
 *
 * // Where a criterion would have stopped a finished run, from the run's observations (deal
 * // stop-analysis does this for a run directory).
 * const observations: Array<Stopping.Observation> = []
 * const reporter: Loop.RunReporter["Type"] = {
 *   report: (event) => (event._tag === "RoundCompleted" ? Effect.sync(() => observations.push(event.observation)) : Effect.void)
 * }
 * await Effect.runPromise(
 *   Run.activeLearning({ data, model: Models.mlp({ hidden: 16 }), strategy: Strategies.entropy, train, nInitLabeled: 10, nQuery: 10, nRound: 3, seed: 1, reporter }).pipe(
 *     Effect.provide(backend)
 *   )
 * )
 * const [budget] = Stopping.analyzeStopping(observations, [Stopping.maxLabels(20)])
 * assert.strictEqual(budget.criterion, "max-labels")
 * assert.ok(budget.fired && budget.round === 1 && budget.labels === 20 && budget.labelsSaved === 20)
 * ```
 */
export const analyzeStopping = (
  observations: ReadonlyArray<Observation>,
  criteria: ReadonlyArray<StoppingCriterion<any>>,
  weights: CostWeights = defaultCostWeights
): ReadonlyArray<StopPoint> => {
  if (observations.length === 0) return []
  const final = observations[observations.length - 1]
  const point = (criterion: string, fired: boolean, o: Observation, reason: string): StopPoint => ({
    criterion,
    fired,
    round: o.round,
    labels: o.labeled,
    accuracy: o.test.accuracy,
    macroF1: o.test.macroF1,
    labelsSaved: final.labeled - o.labeled,
    accuracyChange: o.test.accuracy - final.test.accuracy,
    cost: stoppingCost(o.test.accuracy, o.labeled, weights),
    reason
  })
  const best = observations.reduce((b, o) => (o.test.accuracy > b.test.accuracy ? o : b))
  const cheapest = observations.reduce((b, o) =>
    stoppingCost(o.test.accuracy, o.labeled, weights) < stoppingCost(b.test.accuracy, b.labeled, weights) ? o : b
  )
  return [
    ...criteria.map((c) => {
      const stop = firstStop(c, observations)
      return stop === undefined
        ? point(c.name, false, final, "did not fire within the run")
        : point(c.name, true, observations[stop.index], stop.decision.reason)
    }),
    point("(final round)", true, final, "the run's last round"),
    point("(best round)", true, best, "highest test accuracy (an oracle's choice)"),
    point("(cheapest round)", true, cheapest, "lowest cost (an oracle's choice)")
  ]
}
