/**
 * The numbers of a grid report, as pure functions of learning curves: the seed-mean curve with
 * its spread, the area under the budget curve, and the labels needed to reach an accuracy.
 */

/** One point of a learning curve: test accuracy of the model trained on `labels` labels. */
export interface CurvePoint {
  readonly labels: number
  readonly accuracy: number
}

/** One run's learning curve. */
export interface RunCurve {
  readonly strategy: string
  readonly seed: number
  readonly points: ReadonlyArray<CurvePoint>
}

/** A point of a strategy's seed-mean curve. */
export interface MeanPoint {
  readonly strategy: string
  readonly labels: number
  readonly mean: number
  /** Sample standard deviation across seeds (n − 1 in the denominator; 0 for one seed). */
  readonly std: number
  /** Seeds with a result at this label count. */
  readonly n: number
}

export const mean = (xs: ReadonlyArray<number>): number => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length)

/** Sample standard deviation (n − 1); 0 for a single value, NaN for none. */
export const sampleStd = (xs: ReadonlyArray<number>): number => {
  if (xs.length === 0) return Number.NaN
  if (xs.length === 1) return 0
  const m = mean(xs)
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1))
}

/** Mean and sample std of some values, with their count, min and max. */
export interface Spread {
  readonly n: number
  readonly mean: number
  readonly std: number
  readonly min: number
  readonly max: number
}

export const spread = (xs: ReadonlyArray<number>): Spread => ({
  n: xs.length,
  mean: mean(xs),
  std: sampleStd(xs),
  min: xs.length ? Math.min(...xs) : Number.NaN,
  max: xs.length ? Math.max(...xs) : Number.NaN
})

/**
 * Each strategy's seed-mean curve: at every label count any of its runs reached, the mean and
 * sample std of test accuracy over the seeds that have it. Runs of a grid share one label
 * schedule (nInitLabeled + r · nQuery), so points line up by label count.
 */
export const meanCurves = (runs: ReadonlyArray<RunCurve>): ReadonlyArray<MeanPoint> => {
  const groups = new Map<string, Map<number, Array<number>>>()
  for (const run of runs) {
    const byLabels = groups.get(run.strategy) ?? new Map<number, Array<number>>()
    groups.set(run.strategy, byLabels)
    for (const p of run.points) byLabels.set(p.labels, [...(byLabels.get(p.labels) ?? []), p.accuracy])
  }
  return [...groups].flatMap(([strategy, byLabels]) =>
    [...byLabels]
      .sort(([a], [b]) => a - b)
      .map(([labels, accs]) => ({ strategy, labels, mean: mean(accs), std: sampleStd(accs), n: accs.length }))
  )
}

/**
 * The area under the budget curve (AUBC): the trapezoidal area under test accuracy against
 * labels between `from` and `to`, divided by `to − from`, so it is the curve's mean accuracy
 * over the budget, in [0, 1] (1: perfect from the first label). Points outside the range are
 * ignored; the curve must have points at `from` and `to` (a grid's runs do: they share the
 * schedule). With `from = to` it is the accuracy there.
 */
export const aubc = (points: ReadonlyArray<CurvePoint>, from: number, to: number): number => {
  const inside = [...points].filter((p) => p.labels >= from && p.labels <= to).sort((a, b) => a.labels - b.labels)
  if (inside.length === 0 || inside[0].labels !== from || inside[inside.length - 1].labels !== to) return Number.NaN
  if (to === from) return inside[0].accuracy
  let area = 0
  for (let i = 1; i < inside.length; i++) {
    area += ((inside[i].labels - inside[i - 1].labels) * (inside[i].accuracy + inside[i - 1].accuracy)) / 2
  }
  return area / (to - from)
}

/**
 * The first label count at which a curve reaches `target` accuracy (≥), read off the curve's
 * points without interpolation (as Gal et al. 2017 read their averaged curves); undefined if it
 * never does.
 */
export const labelsToReach = (points: ReadonlyArray<{ readonly labels: number; readonly mean: number }>, target: number): number | undefined =>
  [...points].sort((a, b) => a.labels - b.labels).find((p) => p.mean >= target)?.labels

/** The budget all runs cover: from the first label count to the smallest last one. */
export const commonBudget = (runs: ReadonlyArray<RunCurve>): { readonly from: number; readonly to: number } | undefined => {
  const withPoints = runs.filter((r) => r.points.length > 0)
  if (withPoints.length === 0) return undefined
  return {
    from: Math.max(...withPoints.map((r) => Math.min(...r.points.map((p) => p.labels)))),
    to: Math.min(...withPoints.map((r) => Math.max(...r.points.map((p) => p.labels))))
  }
}

/** `0.912 ± 0.004` (or `—` for NaN). */
export const plusMinus = (s: { readonly mean: number; readonly std: number }, digits = 3): string =>
  Number.isNaN(s.mean) ? "—" : `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}`
