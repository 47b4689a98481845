import { join } from "node:path"
import * as aq from "arquero"
import { Effect } from "effect"
import { modelFiles } from "../models/weights.js"
import { removeIfExists, writeDirAtomic, writeFileAtomic } from "../report/atomic-write.js"
import type { ReportError } from "../report/errors.js"
import { encodeObservation } from "../stopping/observation-codec.js"
import type { Dataset } from "../data/dataset.js"
import type { Observation } from "../stopping/criterion.js"
import { encodeCheckpoint, modelDir } from "./checkpoint.js"
import type { RoundResult, RunReporter, RunSummary } from "../loop/events.js"

/** The deterministic columns of `results.csv`: the same seed on the same backend gives the same bytes. */
export const resultColumns = ["round", "labeled", "accuracy", "macro_f1", "test_loss", "train_loss"] as const
/** Wall-clock columns, kept in `results.json` and `timings.csv` only. */
export const timingColumns = ["train_seconds", "score_seconds", "select_seconds"] as const

/** The per-round results as an arquero table (snake_case columns). */
export const resultsTable = (rounds: ReadonlyArray<RoundResult>) =>
  aq.from(
    rounds.map((r) => ({
      round: r.round,
      labeled: r.labeled,
      accuracy: r.accuracy,
      macro_f1: r.macroF1,
      test_loss: r.testLoss,
      train_loss: r.trainLoss,
      train_seconds: r.trainSeconds,
      score_seconds: r.scoreSeconds,
      select_seconds: r.selectSeconds
    }))
  )

/** The final model's test predictions, one row per test example (DalMax's predictions file). */
export const predictionsTable = (test: Dataset, predicted: Int32Array) =>
  aq.table({
    index: Array.from({ length: predicted.length }, (_, i) => i),
    true_class: Array.from(test.y, (c) => test.classNames[c]),
    predicted_class: Array.from(predicted, (c) => test.classNames[c]),
    correct: Array.from(predicted, (c, i) => c === test.y[i]),
    id: test.ids ? [...test.ids] : Array.from({ length: predicted.length }, (_, i) => String(i))
  })

/**
 * Writes a run directory: `spec.json` at the start; after every round `results.csv`
 * (deterministic metrics), `timings.csv`, `results.json` (everything, with the queried
 * indices and, at the end, why the run stopped) and `observations.jsonl` (what the stopping
 * criteria saw, one line per round, for `deal stop-analysis`), the round's model in
 * `models/round-NNNN/` (tfjs format; the last two rounds are kept) and, last, `checkpoint.json`,
 * which names the round a resumed run continues after; at the end `predictions.csv`.
 * Every file (and model directory) is replaced atomically, so a run killed at any moment
 * leaves a consistent directory.
 */
export const runDirectoryReporter = (
  dir: string,
  meta: {
    readonly spec: unknown
    readonly backend: string
    readonly test: Dataset
    /** Rounds already in the directory, when resuming. */
    readonly existing?: { readonly rounds: ReadonlyArray<RoundResult>; readonly observations: ReadonlyArray<Observation> }
  }
): Effect.Effect<RunReporter["Type"], ReportError> =>
  Effect.gen(function* () {
    // A resume writes its spec (which may carry a new budget) with its first round, so that one
    // refused before it completes a round leaves the directory as it was.
    const writeSpec = writeFileAtomic(join(dir, "spec.json"), JSON.stringify(meta.spec, null, 2) + "\n")
    let specWritten = meta.existing === undefined
    if (specWritten) yield* writeSpec
    const rounds: Array<RoundResult> = [...(meta.existing?.rounds ?? [])]
    const observations: Array<string> = (meta.existing?.observations ?? []).map((o) => JSON.stringify(encodeObservation(o)) + "\n")
    const write = (stop: RunSummary["stop"] | null) => {
      const table = resultsTable(rounds)
      return Effect.all(
        [
          writeFileAtomic(join(dir, "results.csv"), table.select(...resultColumns).toCSV()),
          writeFileAtomic(join(dir, "timings.csv"), table.select("round", ...timingColumns).toCSV()),
          writeFileAtomic(
            join(dir, "results.json"),
            JSON.stringify({ spec: meta.spec, backend: meta.backend, stop, rounds }, null, 2) + "\n"
          ),
          writeFileAtomic(join(dir, "observations.jsonl"), observations.join(""))
        ],
        { discard: true }
      )
    }
    return {
      report: (event) => {
        switch (event._tag) {
          case "RoundCompleted": {
            rounds.push(event.result)
            observations.push(JSON.stringify(encodeObservation(event.observation)) + "\n")
            const { checkpoint } = event
            const model = modelFiles(checkpoint.model)
            const spec = specWritten ? Effect.void : writeSpec
            specWritten = true
            return Effect.all(
              [
                spec,
                write(null),
                writeDirAtomic(join(dir, modelDir(checkpoint.round)), { "model.json": model.json, "weights.bin": model.weights }),
                writeFileAtomic(join(dir, "checkpoint.json"), JSON.stringify(encodeCheckpoint(checkpoint)) + "\n"),
                checkpoint.round >= 2 ? removeIfExists(join(dir, modelDir(checkpoint.round - 2))) : Effect.void
              ],
              { discard: true }
            )
          }
          case "RunFinished":
            return Effect.zipRight(
              write(event.summary.stop),
              writeFileAtomic(join(dir, "predictions.csv"), predictionsTable(meta.test, event.summary.testPredicted).toCSV())
            )
        }
      }
    }
  })
