import { basename, join, resolve } from "node:path"
import * as aq from "arquero"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { DataError } from "../data/errors.js"
import { writeFileAtomic } from "../runtime/atomic-write.js"
import type { WriteError } from "../runtime/atomic-write.js"
import { stoppingChart } from "../report/stopping-plot.js"
import { renderSvg } from "../report/vega.js"
import { analyzeStopping, type CostWeights, defaultCostWeights, type StopPoint } from "../stopping/analysis.js"
import { methodNames, parseStopping } from "../stopping/catalogue.js"
import { readObservations, readSpecFile, runFile } from "./run-files.js"

/** The stopping rows of `analyzeStopping` as an arquero table (snake_case columns). */
export const stoppingTable = (points: ReadonlyArray<StopPoint>) =>
  aq.from(
    points.map((p) => ({
      criterion: p.criterion,
      fired: p.fired,
      round: p.round,
      labels: p.labels,
      accuracy: p.accuracy,
      macro_f1: p.macroF1,
      labels_saved: p.labelsSaved,
      accuracy_change: p.accuracyChange,
      cost: p.cost,
      reason: p.reason
    }))
  )

/**
 * Where each stopping method (and each budget the run's spec named) would have stopped a run,
 * from its recorded observations. Reads only: an empty or unreadable run fails before anything is written.
 */
export const analyzeRun = (
  dir: string,
  options: { readonly weights?: CostWeights; readonly criteria?: ReadonlyArray<string> } = {}
): Effect.Effect<{ readonly points: ReadonlyArray<StopPoint>; readonly curve: ReadonlyArray<{ labels: number; accuracy: number }> }, DataError> =>
  Effect.gen(function* () {
    const observations = yield* readObservations(dir)
    const file = join(dir, runFile.observations)
    if (observations.length === 0) {
      return yield* new DataError({ file, message: "no observations: the run has not completed a round yet, so there is nothing to analyse" })
    }
    // The budgets the run itself used (a run directory without a readable spec has none).
    const budgets = yield* readSpecFile(dir).pipe(
      Effect.map((spec) => spec.stopping.filter((s) => !methodNames.includes(s))),
      Effect.orElseSucceed((): ReadonlyArray<string> => [])
    )
    const names = options.criteria ?? [...methodNames, ...budgets]
    const criteria = yield* Effect.forEach(names, (name) =>
      Either.mapLeft(parseStopping(name), (e) => new DataError({ file: join(dir, runFile.spec), message: e.message }))
    )
    return {
      points: analyzeStopping(observations, criteria, options.weights ?? defaultCostWeights),
      curve: observations.map((o) => ({ labels: o.labeled, accuracy: o.test.accuracy }))
    }
  })

/**
 * `deal stop-analysis RUN_DIR`: `analyzeRun`, then writes `stopping.csv` (one row per criterion)
 * and `stopping.svg` (the learning curve with each criterion's stop marked).
 */
export const stopAnalysis = (
  dir: string,
  options: { readonly weights?: CostWeights; readonly criteria?: ReadonlyArray<string> } = {}
): Effect.Effect<ReadonlyArray<StopPoint>, DataError | WriteError> =>
  Effect.gen(function* () {
    const { points, curve } = yield* analyzeRun(dir, options)
    const svg = yield* renderSvg(
      stoppingChart(curve, points.filter((p) => p.fired), `Where each stopping criterion stops: ${basename(resolve(dir))}`),
      join(dir, runFile.stoppingSvg)
    )
    yield* writeFileAtomic(join(dir, runFile.stoppingCsv), stoppingTable(points).toCSV())
    yield* writeFileAtomic(join(dir, runFile.stoppingSvg), svg)
    return points
  })
