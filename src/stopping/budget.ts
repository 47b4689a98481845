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

/**
 * Harness budget for reproducing a published table: stop once the test accuracy has been at
 * least `target` for `patience` consecutive rounds (default 3). It reads the test set, so it is
 * no stopping *method* (a live run cannot know its test accuracy); it ends a run of a paper's
 * protocol once the learning curve has settled above the last accuracy the paper's table reads
 * off, instead of spending the rest of a fixed budget (Gal et al. 2017 read off 90% and 95%).
 * The rounds before the stop are the same as without it.
 */
export const targetAccuracy = (target: number, patience = 3): StoppingCriterion<number> => ({
  name: "target-accuracy",
  initial: 0,
  step: (above, o) => {
    const run = o.test.accuracy >= target ? above + 1 : 0
    return [
      run,
      run >= patience
        ? Stop("target-accuracy", `test accuracy ≥ ${target} for ${patience} rounds in a row (${o.test.accuracy.toFixed(4)} at ${o.labeled} labels)`)
        : Continue
    ]
  }
})
