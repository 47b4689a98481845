/**
 * The worker thread of `deal label` (`runtime/thread.ts`): with its own tfjs backend, it loads
 * the data to label and opens the run's rounds (`label-rounds.ts`) under the lock its server's
 * thread holds, then retrains as the server asks, one model at a time, each round its value.
 * Started by `retrain-thread.ts` from the compiled `dist/`.
 */
import * as Effect from "effect/Effect"
import { serveThread } from "../runtime/thread.js"
import { loadDataToLabel } from "./label-data.js"
import { labelRunRetrainer } from "./label-rounds.js"
import type { RetrainSetup } from "./retrain-thread.js"
import type { RetrainInput } from "./retrainer.js"

serveThread(({ spec, dir }: RetrainSetup) =>
  Effect.gen(function* () {
    const data = yield* loadDataToLabel(spec, "deal label")
    const retrainer = yield* labelRunRetrainer(spec, dir, data, { lockHeld: true })
    return (input: RetrainInput) => retrainer.retrain(input)
  })
)
