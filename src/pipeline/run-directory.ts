import { join } from "node:path"
import * as aq from "arquero"
import { Effect } from "effect"
import { writeFileAtomic } from "../report/atomic-write.js"
import type { ReportError } from "../report/errors.js"
import type { RoundResult, RunReporter, RunSummary } from "./events.js"

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

/**
 * Writes a run directory: `spec.json` at the start; after every round `results.csv`
 * (deterministic metrics), `timings.csv` and `results.json` (everything, with the queried
 * indices and, at the end, why the run stopped). Every file is replaced atomically.
 */
export const runDirectoryReporter = (
  dir: string,
  meta: { readonly spec: unknown; readonly backend: string }
): Effect.Effect<RunReporter["Type"], ReportError> =>
  Effect.gen(function* () {
    yield* writeFileAtomic(join(dir, "spec.json"), JSON.stringify(meta.spec, null, 2) + "\n")
    const rounds: Array<RoundResult> = []
    const write = (stop: RunSummary["stop"] | null) => {
      const table = resultsTable(rounds)
      return Effect.all(
        [
          writeFileAtomic(join(dir, "results.csv"), table.select(...resultColumns).toCSV() + "\n"),
          writeFileAtomic(join(dir, "timings.csv"), table.select("round", ...timingColumns).toCSV() + "\n"),
          writeFileAtomic(
            join(dir, "results.json"),
            JSON.stringify({ spec: meta.spec, backend: meta.backend, stop, rounds }, null, 2) + "\n"
          )
        ],
        { discard: true }
      )
    }
    return {
      report: (event) => {
        switch (event._tag) {
          case "RoundCompleted":
            rounds.push(event.result)
            return write(null)
          case "RunFinished":
            return write(event.summary.stop)
        }
      }
    }
  })
