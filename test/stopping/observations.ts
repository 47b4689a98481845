import type { ClassificationMetrics } from "../../src/models/metrics.js"
import type { Observation } from "../../src/stopping/criterion.js"

const metrics = (accuracy = 0.5): ClassificationMetrics => ({ accuracy, macroF1: accuracy, loss: 1 })

/** A hand-built observation: round r with 10(r+1) labels and the stop-set values given. */
export const observation = (
  round: number,
  parts: {
    readonly predictions?: ReadonlyArray<number>
    readonly confidence?: ReadonlyArray<number>
    readonly entropy?: ReadonlyArray<number>
    readonly queried?: { readonly predicted: ReadonlyArray<number>; readonly labels: ReadonlyArray<number>; readonly entropy: ReadonlyArray<number> }
    readonly validation?: number
    readonly test?: number
    readonly numClasses?: number
    readonly labeled?: number
    readonly elapsedSeconds?: number
  } = {}
): Observation => ({
  round,
  labeled: parts.labeled ?? 10 * (round + 1),
  unlabeled: 1000,
  elapsedSeconds: parts.elapsedSeconds ?? round,
  numClasses: parts.numClasses ?? 2,
  test: metrics(parts.test),
  ...(parts.validation === undefined ? {} : { validation: metrics(parts.validation) }),
  stopSet: {
    predictions: Int32Array.from(parts.predictions ?? [0, 1]),
    confidence: Float32Array.from(parts.confidence ?? [0.6, 0.6]),
    entropy: Float32Array.from(parts.entropy ?? [0.6, 0.6])
  },
  ...(parts.queried === undefined
    ? {}
    : {
        queried: {
          predicted: Int32Array.from(parts.queried.predicted),
          labels: Int32Array.from(parts.queried.labels),
          entropy: Float32Array.from(parts.queried.entropy)
        }
      })
})
