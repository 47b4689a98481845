import { Continue, type Observation, Stop, type StoppingCriterion, type StoppingDoc } from "./criterion.js"

/**
 * Budgets, no stopping method and no paper: a fixed number of rounds, labels or seconds, the pool
 * running out, and a reproduction harness's accuracy target; each one's rule is its `doc`, below.
 * A budget's name is its CLI name whatever its value (`max-labels` for `max-labels=1000`), as the
 * stop reason of every recorded run reads it.
 */
const budget = <A extends ReadonlyArray<unknown>>(id: string, doc: StoppingDoc, reached: (...args: A) => (o: Observation) => string | undefined) =>
  Object.assign(
    (...args: A): StoppingCriterion<null> => {
      const why = reached(...args)
      return {
        name: id,
        doc,
        initial: null,
        step: (s, o) => {
          const reason = why(o)
          return [s, reason === undefined ? Continue : Stop(id, reason)]
        }
      }
    },
    { id, doc }
  )

const budgetCitation = "a budget (no stopping method, no paper)"

/** Budget: stop once round `n` has been trained and evaluated (rounds 0..n, n acquisitions). */
export const maxRounds = budget(
  "max-rounds",
  { citation: budgetCitation, rule: "stop once round n has been trained and evaluated (rounds 0..n, n acquisitions)" },
  (n: number) => (o) => (o.round >= n ? `reached round ${o.round} of ${n}` : undefined)
)

/** Budget: stop once at least `n` labels have been acquired. */
export const maxLabels = budget(
  "max-labels",
  { citation: budgetCitation, rule: "stop once at least n labels have been acquired (the initial set included)" },
  (n: number) => (o) => (o.labeled >= n ? `${o.labeled} labels reached the budget of ${n}` : undefined)
)

/** Budget: stop once the run has taken at least `seconds` seconds. */
export const maxSeconds = budget(
  "max-seconds",
  { citation: budgetCitation, rule: "stop once the run has taken at least n seconds" },
  (seconds: number) => (o) => (o.elapsedSeconds >= seconds ? `${o.elapsedSeconds.toFixed(1)} s reached the budget of ${seconds} s` : undefined)
)

/** Always stops when the pool is exhausted: nothing is left to query. */
export const poolExhausted: StoppingCriterion<null> = budget(
  "pool-exhausted",
  { citation: "always on: nothing is left to query", rule: "stop when no unlabelled example is left" },
  () => (o) => (o.unlabeled === 0 ? "no unlabelled examples left" : undefined)
)()

const targetAccuracyDoc: StoppingDoc = {
  citation: "a reproduction harness's budget (no stopping method: it reads the test set); Gal, Islam & Ghahramani (2017) read their table off at 90% and 95%",
  rule: "test accuracy ≥ a for 3 rounds in a row",
  direction: "stops when test accuracy is high"
}

/**
 * Harness budget for reproducing a published table: stop once the test accuracy has been at
 * least `target` for `patience` consecutive rounds (default 3). It reads the test set, so it is
 * no stopping *method* (a live run cannot know its test accuracy); it ends a run of a paper's
 * protocol once the learning curve has settled above the last accuracy the paper's table reads
 * off, instead of spending the rest of a fixed budget (Gal et al. 2017 read off 90% and 95%).
 * The rounds before the stop are the same as without it.
 */
export const targetAccuracy = Object.assign(
  (target: number, patience = 3): StoppingCriterion<number> => ({
    name: "target-accuracy",
    doc: targetAccuracyDoc,
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
  }),
  { id: "target-accuracy", doc: targetAccuracyDoc }
)
