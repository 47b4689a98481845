import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { numClasses } from "../data/dataset.js"
import { argmaxRows, classificationMetrics } from "../models/metrics.js"
import { predictProbabilities } from "../models/predict.js"
import { Progress } from "../runtime/progress.js"
import { Evaluator } from "./stages.js"

/** The default `evaluate` stage: accuracy, macro-F1 and cross-entropy of the model's predictions. */
export const modelEvaluator: Layer.Layer<Evaluator, never, Progress> = Layer.effect(
  Evaluator,
  Effect.map(Progress, (progress) => ({
    evaluate: (model, data) =>
      predictProbabilities(model, data, Int32Array.from({ length: data.y.length }, (_, i) => i), {
        onBatch: (done, total) => progress.update("evaluate", done, total)
      }).pipe(
        Effect.map((probs) => ({
          metrics: classificationMetrics(probs, data.y, numClasses(data)),
          predicted: argmaxRows(probs, numClasses(data))
        }))
      )
  }))
)
