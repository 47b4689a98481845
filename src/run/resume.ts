import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { Data, Effect, ParseResult } from "effect"
import { DataError } from "../data/errors.js"
import { readWeights } from "../models/weights.js"
import { readCheckpoint } from "./checkpoint.js"
import type { RoundResult, RunReporter, RunSummary } from "../loop/events.js"
import { runExperiment, SpecError } from "./experiment.js"
import { decodeSpec, encodeSpec, type ExperimentSpecInput } from "./spec.js"
import { readObservations } from "./stop-analysis.js"

export type ResumeOutcome = Data.TaggedEnum<{
  Resumed: { readonly summary: RunSummary; readonly fromRound: number }
  AlreadyFinished: { readonly round: number; readonly rounds: ReadonlyArray<RoundResult> }
}>
export const ResumeOutcome = Data.taggedEnum<ResumeOutcome>()

const readJson = (file: string) =>
  Effect.tryPromise({ try: () => readFile(file, "utf8"), catch: (e) => new DataError({ file, message: `cannot read: ${(e as Error).message}` }) }).pipe(
    Effect.flatMap((text) => Effect.try({ try: () => JSON.parse(text) as unknown, catch: () => new DataError({ file, message: "not JSON" }) }))
  )

/**
 * The spec fields that only say when a run ends. The rounds before the end do not depend on
 * them, so a resume may change them (run longer, or stop on a new criterion), provided the new
 * budget would not already have stopped the run (the loop checks this when it replays the
 * recorded observations).
 */
export const budgetFields: ReadonlyArray<string> = ["nRound", "stopping"]

/** The fields of `given` whose values differ from `saved`, as `name: saved X, given Y`. */
export const specDifferences = (saved: Record<string, unknown>, given: Record<string, unknown>): ReadonlyArray<string> =>
  Object.entries(given)
    .filter(([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(saved[k]))
    .map(([k, v]) => `${k}: saved ${JSON.stringify(saved[k])}, given ${JSON.stringify(v)}`)

/** The given spec fields split into the budget and the rest (undefined fields dropped). */
const splitBudget = (given: Record<string, unknown>) => {
  const entries = Object.entries(given).filter(([, v]) => v !== undefined)
  return {
    budget: Object.fromEntries(entries.filter(([k]) => budgetFields.includes(k))),
    rest: Object.fromEntries(entries.filter(([k]) => !budgetFields.includes(k)))
  }
}

/**
 * `deal run --resume DIR`: continues a run from its last complete round (named by
 * `checkpoint.json`), with the spec saved in `DIR/spec.json`. The labelled set and the oracle's
 * labels come from the checkpoint, the stopping criteria's state from replaying the recorded
 * observations, the warm-start weights from the round's saved model; every random choice of a
 * round comes from streams named for that round. The resumed run therefore writes the same
 * `results.csv` as an uninterrupted one. A resume whose `given` spec fields differ from the
 * saved spec is refused, naming each difference, unless only its budget (`budgetFields`)
 * differs: the run then goes on under the new budget, saved in `spec.json`.
 */
export const resumeExperiment = (
  dir: string,
  given: Partial<ExperimentSpecInput> = {},
  options: { readonly reporter?: RunReporter["Type"] } = {}
) =>
  Effect.gen(function* () {
    const specFile = join(dir, "spec.json")
    const saved = yield* readJson(specFile).pipe(
      Effect.flatMap((json) =>
        decodeSpec(json).pipe(
          Effect.mapError((e) => new DataError({ file: specFile, message: `not a deal spec: ${ParseResult.TreeFormatter.formatErrorSync(e)}` }))
        )
      )
    )
    const savedEncoded = encodeSpec(saved) as Record<string, unknown>
    const { budget, rest } = splitBudget(given as Record<string, unknown>)
    const differences = specDifferences(savedEncoded, rest)
    if (differences.length > 0) {
      return yield* new SpecError({ message: `cannot resume ${dir} with a different spec: ${differences.join("; ")}` })
    }
    const checkpoint = yield* readCheckpoint(dir)
    const results = (yield* readJson(join(dir, "results.json"))) as { readonly rounds: ReadonlyArray<RoundResult> }
    const rounds = results.rounds.filter((r) => r.round <= checkpoint.round)
    if (checkpoint.finished) return ResumeOutcome.AlreadyFinished({ round: checkpoint.round, rounds })
    const observations = (yield* readObservations(dir)).filter((o) => o.round <= checkpoint.round)
    if (rounds.length !== checkpoint.round + 1 || observations.length !== checkpoint.round + 1) {
      return yield* new DataError({
        file: join(dir, "results.json"),
        message: `the checkpoint names round ${checkpoint.round}, but the directory holds ${rounds.length} results and ${observations.length} observations`
      })
    }
    const weights = saved.warmStart ? yield* readWeights(join(dir, checkpoint.model)) : undefined
    const summary = yield* runExperiment({ ...savedEncoded, ...budget } as ExperimentSpecInput, {
      out: dir,
      resume: {
        labeled: checkpoint.labeled,
        labels: checkpoint.labels,
        ...(checkpoint.queried === undefined ? {} : { queried: checkpoint.queried }),
        rounds,
        observations,
        ...(weights === undefined ? {} : { weights })
      },
      ...(options.reporter === undefined ? {} : { reporter: options.reporter })
    })
    return ResumeOutcome.Resumed({ summary, fromRound: checkpoint.round + 1 })
  })
