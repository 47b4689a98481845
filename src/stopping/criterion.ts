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

/** What a criterion's documentation says, in the order its file opens with. */
export interface StoppingDoc {
  /** The paper (or, for a budget or combinator, what it is instead). */
  readonly citation: string
  /** The rule in one line, with its default parameters. */
  readonly rule: string
  /** Which way the observed quantity must go for it to stop ("stops when κ is high"). */
  readonly direction?: string
}

/**
 * A stopping criterion as a pure fold over per-round observations:
 * `step(state, observation) → [state', decision]`.
 */
export interface StoppingCriterion<S = unknown> {
  /**
   * The CLI name plus every parameter that differs from its default (`parameterisedName`):
   * `stabilizing-predictions`, `stabilizing-predictions=0.98`. A method's decisions carry it.
   */
  readonly name: string
  /** Citation, rule and direction (every built-in criterion has one). */
  readonly doc?: StoppingDoc
  readonly initial: S
  readonly step: (state: S, observation: Observation) => readonly [S, Decision]
}

/** A criterion's parameters by name; the first is the one the CLI's `name=value` sets. */
export type StoppingParameters = Readonly<Record<string, number | string>>

/**
 * `name` with the parameters that differ from `defaults`: the first as `=value` (the CLI's form),
 * any other as `;key=value`. `stabilizing-predictions=0.98`, `changing-confidence;mode=N`; the bare
 * name when every parameter has its default.
 */
export const parameterisedName = (name: string, parameters: StoppingParameters, defaults: StoppingParameters): string =>
  Object.keys(defaults).reduce(
    (text, key, i) => (parameters[key] === defaults[key] ? text : `${text}${i === 0 ? "" : `;${key}`}=${parameters[key]}`),
    name
  )

/**
 * A stopping method with parameters: call it with some parameters (the rest default) for a
 * criterion named by `parameterisedName`; its CLI name (`id`), doc and defaults are readable
 * without making one.
 */
export interface CriterionFamily<P extends StoppingParameters, S> {
  (options?: Partial<P>): StoppingCriterion<S>
  /** The CLI name, which is also the name of the criterion with default parameters. */
  readonly id: string
  readonly doc: StoppingDoc
  /** Default parameters, the CLI's `name=value` parameter first. */
  readonly defaults: P
}

/**
 * A criterion family from its CLI name, doc, default parameters and a maker given the complete
 * parameters and the criterion's name (which its decisions should carry).
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import { Stopping } from "deal-active-learning"
 *
 * // A stopping rule with a parameter: stop once the stop set's mean confidence reaches `level`.
 * const confident = Stopping.criterionFamily(
 *   "confident",
 *   { citation: "an example", rule: "mean stop-set confidence ≥ 0.95", direction: "stops when confidence is high" },
 *   { level: 0.95 },
 *   ({ level }, name) => ({
 *     name,
 *     initial: null,
 *     step: (state: null, o) => {
 *       const mean = o.stopSet.confidence.reduce((a, b) => a + b, 0) / o.stopSet.confidence.length
 *       return [state, mean >= level ? Stopping.Stop(name, `mean confidence ${mean.toFixed(3)} ≥ ${level}`) : Stopping.Continue]
 *     }
 *   })
 * )
 * const criterion = confident({ level: 0.9 })
 * assert.strictEqual(criterion.name, "confident=0.9")
 * const observation = (confidence: Array<number>) => ({ stopSet: { confidence: Float32Array.from(confidence) } }) as unknown as Stopping.Observation
 * assert.strictEqual(criterion.step(null, observation([0.8, 0.9]))[1]._tag, "Continue")
 * assert.strictEqual(criterion.step(null, observation([0.95, 0.9]))[1]._tag, "Stop")
 * ```
 */
export const criterionFamily = <P extends StoppingParameters, S>(
  id: string,
  doc: StoppingDoc,
  defaults: P,
  make: (parameters: P, name: string) => Omit<StoppingCriterion<S>, "doc">
): CriterionFamily<P, S> =>
  Object.assign(
    (options: Partial<P> = {}): StoppingCriterion<S> => {
      const parameters: Record<string, number | string> = { ...defaults }
      for (const key of Object.keys(defaults)) {
        const value = options[key as keyof P]
        if (value !== undefined) parameters[key] = value as number | string
      }
      const criterion = make(parameters as P, parameterisedName(id, parameters, defaults))
      return { ...criterion, doc }
    },
    { id, doc, defaults }
  )

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

/** Runs a criterion over a whole sequence: its state after all of it, and the first stopping index and decision, if any. */
export const foldStopping = <S>(
  criterion: StoppingCriterion<S>,
  observations: ReadonlyArray<Observation>
): { readonly state: S; readonly first?: { readonly index: number; readonly decision: Extract<Decision, { _tag: "Stop" }> } } => {
  let state = criterion.initial
  let first: { readonly index: number; readonly decision: Extract<Decision, { _tag: "Stop" }> } | undefined
  for (let i = 0; i < observations.length; i++) {
    const [s, d] = criterion.step(state, observations[i])
    state = s
    if (d._tag === "Stop" && first === undefined) first = { index: i, decision: d }
  }
  return first === undefined ? { state } : { state, first }
}

/** Runs a criterion over a whole sequence: the first stopping index and its decision, if any. */
export const firstStop = <S>(criterion: StoppingCriterion<S>, observations: ReadonlyArray<Observation>) => foldStopping(criterion, observations).first
