import { Continue, Stop, type StoppingCriterion } from "./criterion.js"

/** Budget: stop once round `n` has been trained and evaluated (rounds 0..n, n acquisitions). */
export const maxRounds = (n: number): StoppingCriterion<null> => ({
  name: "max-rounds",
  initial: null,
  step: (s, o) => [s, o.round >= n ? Stop("max-rounds", `reached round ${o.round} of ${n}`) : Continue]
})

/** Budget: stop once at least `n` labels have been acquired. */
export const maxLabels = (n: number): StoppingCriterion<null> => ({
  name: "max-labels",
  initial: null,
  step: (s, o) => [s, o.labeled >= n ? Stop("max-labels", `${o.labeled} labels reached the budget of ${n}`) : Continue]
})

/** Budget: stop once the run has taken at least `seconds` seconds. */
export const maxSeconds = (seconds: number): StoppingCriterion<null> => ({
  name: "max-seconds",
  initial: null,
  step: (s, o) => [
    s,
    o.elapsedSeconds >= seconds ? Stop("max-seconds", `${o.elapsedSeconds.toFixed(1)} s reached the budget of ${seconds} s`) : Continue
  ]
})

/** Always stops when the pool is exhausted: nothing is left to query. */
export const poolExhausted: StoppingCriterion<null> = {
  name: "pool-exhausted",
  initial: null,
  step: (s, o) => [s, o.unlabeled === 0 ? Stop("pool-exhausted", "no unlabelled examples left") : Continue]
}
