import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Dataset } from "../data/dataset.js"
import { Oracle, OracleError } from "./stages.js"

/** The simulated annotator of every AL benchmark: answers with the dataset's own labels. */
export const groundTruthOracle = (data: Dataset): Layer.Layer<Oracle> =>
  Layer.succeed(Oracle, {
    label: (indices) =>
      Effect.suspend(() => {
        const bad = indices.find((i) => i < 0 || i >= data.y.length)
        return bad === undefined
          ? Effect.succeed(indices.map((i) => data.y[i]))
          : Effect.fail(new OracleError({ message: `index ${bad} is outside the training set of ${data.y.length}` }))
      })
  })
