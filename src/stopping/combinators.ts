import { Continue, type Decision, Stop, type StoppingCriterion } from "./criterion.js"

/**
 * Combinators, deal's ways of combining criteria (no paper of their own): the earliest of several,
 * all of several, and a criterion held back until a number of labels; each one's rule is its `doc`.
 */
const combination = "a combination of criteria (no paper of its own)"

/**
 * Stops at the earliest member that decides to stop; every member sees every observation.
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import { Stopping } from "deal-active-learning"
 *
 * // The first of several criteria to fire stops the run: a budget of 100 labels, or stable predictions.
 * const stop = Stopping.anyOf([Stopping.maxLabels(100), Stopping.stabilizingPredictions()])
 * const observation = { labeled: 120, stopSet: { predictions: Int32Array.of(0, 1), confidence: Float32Array.of(1, 1), entropy: Float32Array.of(0, 0) } } as unknown as Stopping.Observation
 * const [, decision] = stop.step(stop.initial, observation)
 * assert.ok(decision._tag === "Stop" && decision.criterion === "max-labels")
 * ```
 */
export const anyOf = (criteria: ReadonlyArray<StoppingCriterion<any>>): StoppingCriterion<ReadonlyArray<unknown>> => {
  const names = criteria.map((c) => c.name).join(", ")
  return {
    name: `any(${names})`,
    doc: { citation: combination, rule: `stop at the first of ${names} to stop` },
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
  }
}

/** Stops once every member has decided to stop at some round (a member that fired stays fired). */
export const allOf = (
  criteria: ReadonlyArray<StoppingCriterion<any>>
): StoppingCriterion<ReadonlyArray<{ readonly state: unknown; readonly fired?: string }>> => {
  const names = criteria.map((c) => c.name).join(", ")
  const name = `all(${names})`
  return {
    name,
    doc: { citation: combination, rule: `stop once each of ${names} has stopped at some round` },
    initial: criteria.map((c) => ({ state: c.initial })),
    step: (members, observation) => {
      const next = criteria.map((c, i) => {
        const [state, d] = c.step(members[i].state, observation)
        const fired = members[i].fired ?? (d._tag === "Stop" ? `${d.criterion} (round ${observation.round}: ${d.reason})` : undefined)
        return fired === undefined ? { state } : { state, fired }
      })
      return [next, next.every((m) => m.fired !== undefined) ? Stop(name, next.map((m) => m.fired).join("; ")) : Continue]
    }
  }
}

/** Never stops before `labels` labels have been acquired; the member still sees every round. */
export const after = <S>(labels: number, criterion: StoppingCriterion<S>): StoppingCriterion<S> => ({
  name: `after(${labels}, ${criterion.name})`,
  doc: {
    citation: criterion.doc?.citation ?? combination,
    rule: `${criterion.doc?.rule ?? criterion.name}, not before ${labels} labels`,
    direction: criterion.doc?.direction
  },
  initial: criterion.initial,
  step: (state, observation) => {
    const [next, d] = criterion.step(state, observation)
    return [next, observation.labeled >= labels ? d : Continue]
  }
})
