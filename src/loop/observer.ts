import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { numClasses } from "../data/dataset.js"
import { summarizeProbabilities } from "../models/metrics.js"
import { predictProbabilities } from "../models/predict.js"
import { Progress } from "../runtime/progress.js"
import { Observer } from "./stages.js"

/** The default `observe` stage: the model's predicted class, confidence and entropy on each stop-set example. */
export const stopSetObserver: Layer.Layer<Observer, never, Progress> = Layer.effect(
  Observer,
  Effect.map(Progress, (progress) => ({
    observe: ({ round, model, data, stopSet }) =>
      predictProbabilities(model, data, stopSet, {
        onBatch: (done, total) => progress.update(`round ${round} stop set`, done, total)
      }).pipe(Effect.map((probs) => summarizeProbabilities(probs, numClasses(data))))
  }))
)
