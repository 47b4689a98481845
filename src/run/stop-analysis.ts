import { readFile } from "node:fs/promises"
import { basename, join, resolve } from "node:path"
import * as aq from "arquero"
import { Effect, Either, Schema } from "effect"
import { DataError } from "../data/errors.js"
import { writeFileAtomic } from "../report/atomic-write.js"
import type { ReportError } from "../report/errors.js"
import { stoppingChart } from "../report/stopping-plot.js"
import { renderSvg } from "../report/vega.js"
import { analyzeStopping, type CostWeights, defaultCostWeights, type StopPoint } from "../stopping/analysis.js"
import { methodNames, parseStopping } from "../stopping/catalogue.js"
import type { Observation } from "../stopping/criterion.js"
import { decodeObservation, EncodedObservation } from "../stopping/observation-codec.js"

const readText = (file: string) =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (e) => new DataError({ file, message: `cannot read: ${(e as Error).message}` })
  })

const decodeLine = Schema.decodeUnknownEither(Schema.parseJson(EncodedObservation))

/** The observations a run recorded, one per round, from `RUN_DIR/observations.jsonl`. */
export const readObservations = (dir: string): Effect.Effect<ReadonlyArray<Observation>, DataError> => {
  const file = join(dir, "observations.jsonl")
  return Effect.flatMap(readText(file), (text) =>
    Effect.forEach(
      text.split("\n").map((line, i) => [line, i + 1] as const).filter(([line]) => line.trim() !== ""),
      ([line, n]) =>
        Either.match(decodeLine(line), {
          onLeft: (e) => Effect.fail(new DataError({ file, message: `line ${n} is not an observation: ${e.message.split("\n")[0]}` })),
          onRight: (o) => Effect.succeed(decodeObservation(o))
        })
    )
  )
}

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
 * `deal stop-analysis RUN_DIR`: evaluates every stopping method (and the budgets the run's spec
 * named) on the run's recorded observations; writes `stopping.csv` (one row per criterion) and
 * `stopping.svg` (the learning curve with each criterion's stop marked).
 */
export const stopAnalysis = (
  dir: string,
  options: { readonly weights?: CostWeights; readonly criteria?: ReadonlyArray<string> } = {}
): Effect.Effect<ReadonlyArray<StopPoint>, DataError | ReportError> =>
  Effect.gen(function* () {
    const observations = yield* readObservations(dir)
    const specFile = join(dir, "spec.json")
    // The budgets the run itself used (a run directory without a readable spec has none).
    const spec = yield* readText(specFile).pipe(
      Effect.flatMap((text) => Effect.try(() => JSON.parse(text) as { readonly stopping?: ReadonlyArray<string> })),
      Effect.orElseSucceed(() => ({}) as { readonly stopping?: ReadonlyArray<string> })
    )
    const names = options.criteria ?? [...methodNames, ...(spec.stopping ?? []).filter((s) => !methodNames.includes(s))]
    const criteria = yield* Effect.forEach(names, (name) =>
      Either.mapLeft(parseStopping(name), (e) => new DataError({ file: specFile, message: e.message }))
    )
    const points = analyzeStopping(observations, criteria, options.weights ?? defaultCostWeights)
    yield* writeFileAtomic(join(dir, "stopping.csv"), stoppingTable(points).toCSV())
    const svg = yield* renderSvg(
      stoppingChart(
        observations.map((o) => ({ labels: o.labeled, accuracy: o.test.accuracy })),
        points.filter((p) => p.fired),
        `Where each stopping criterion stops: ${basename(resolve(dir))}`
      ),
      join(dir, "stopping.svg")
    )
    yield* writeFileAtomic(join(dir, "stopping.svg"), svg)
    return points
  })
