import type { ClassificationMetrics } from "../models/metrics.js"

/**
 * The current model's predictions on the stop set: a seeded sample of the initial unlabelled
 * pool (2,000 points by default, or the whole pool if smaller), fixed for the whole run.
 */
export interface StopSetObservation {
  /** Predicted class of each stop-set example. */
  readonly predictions: Int32Array
  /** max_c p_c of each stop-set example. */
  readonly confidence: Float32Array
  /** Entropy −Σ p log p (nats) of each stop-set example. */
  readonly entropy: Float32Array
}

/**
 * The batch queried in the previous round: what the model that chose it predicted, how
 * uncertain it was (entropy, nats), and the oracle's labels.
 */
export interface QueriedObservation {
  readonly predicted: Int32Array
  readonly entropy: Float32Array
  readonly labels: Int32Array
}

/** What a stopping criterion sees after round r has trained and been evaluated. */
export interface Observation {
  readonly round: number
  /** Labels acquired so far, the initial set included. */
  readonly labeled: number
  /** Unlabelled examples left in the pool. */
  readonly unlabeled: number
  /** Seconds since the run started. */
  readonly elapsedSeconds: number
  readonly numClasses: number
  /** Test metrics of the round's model (for analysis; a live criterion should not peek). */
  readonly test: ClassificationMetrics
  /** Validation metrics, when the run has a validation set. */
  readonly validation?: ClassificationMetrics
  readonly stopSet: StopSetObservation
  /** Absent in round 0. */
  readonly queried?: QueriedObservation
}

export type Decision =
  | { readonly _tag: "Continue" }
  | { readonly _tag: "Stop"; readonly criterion: string; readonly reason: string }

export const Continue: Decision = { _tag: "Continue" }
export const Stop = (criterion: string, reason: string): Decision => ({ _tag: "Stop", criterion, reason })

/**
 * A stopping criterion as a pure fold over per-round observations:
 * `step(state, observation) → [state', decision]`.
 */
export interface StoppingCriterion<S = unknown> {
  readonly name: string
  readonly initial: S
  readonly step: (state: S, observation: Observation) => readonly [S, Decision]
}

/** A criterion whose state is the observations' history of one number (a window rule). */
export const windowed = (
  name: string,
  value: (o: Observation, previous: Observation | undefined) => number | undefined,
  decide: (history: ReadonlyArray<number>) => string | undefined
): StoppingCriterion<{ readonly previous?: Observation; readonly history: ReadonlyArray<number> }> => ({
  name,
  initial: { history: [] },
  step: (state, o) => {
    const v = value(o, state.previous)
    const history = v === undefined ? state.history : [...state.history, v]
    const reason = v === undefined ? undefined : decide(history)
    return [{ previous: o, history }, reason === undefined ? Continue : Stop(name, reason)]
  }
})

/** Runs a criterion over a whole sequence: the first stopping index and its decision, if any. */
export const firstStop = <S>(
  criterion: StoppingCriterion<S>,
  observations: ReadonlyArray<Observation>
): { readonly index: number; readonly decision: Extract<Decision, { _tag: "Stop" }> } | undefined => {
  let state = criterion.initial
  for (let i = 0; i < observations.length; i++) {
    const [s, d] = criterion.step(state, observations[i])
    state = s
    if (d._tag === "Stop") return { index: i, decision: d }
  }
  return undefined
}
