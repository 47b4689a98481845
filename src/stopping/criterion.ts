import type { ClassificationMetrics } from "../models/metrics.js"

/** What a stopping criterion sees after round r has trained and been evaluated. */
export interface Observation {
  readonly round: number
  /** Labels acquired so far, the initial set included. */
  readonly labeled: number
  /** Unlabelled examples left in the pool. */
  readonly unlabeled: number
  /** Seconds since the run started. */
  readonly elapsedSeconds: number
  /** Test metrics of the round's model. */
  readonly test: ClassificationMetrics
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

/** Stops at the first member that decides to stop (members all see every observation). */
export const anyOf = (criteria: ReadonlyArray<StoppingCriterion<any>>): StoppingCriterion<ReadonlyArray<unknown>> => ({
  name: criteria.map((c) => c.name).join(" | "),
  initial: criteria.map((c) => c.initial),
  step: (states, observation) => {
    let decision: Decision = Continue
    const next = criteria.map((c, i) => {
      const [s, d] = c.step(states[i], observation)
      if (decision._tag === "Continue" && d._tag === "Stop") decision = d
      return s
    })
    return [next, decision]
  }
})

/** Runs a criterion over a whole sequence: the first stopping round and its decision, if any. */
export const firstStop = <S>(
  criterion: StoppingCriterion<S>,
  observations: ReadonlyArray<Observation>
): { readonly index: number; readonly decision: Decision } | undefined => {
  let state = criterion.initial
  for (let i = 0; i < observations.length; i++) {
    const [s, d] = criterion.step(state, observations[i])
    state = s
    if (d._tag === "Stop") return { index: i, decision: d }
  }
  return undefined
}
