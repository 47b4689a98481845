import { Effect, Layer } from "effect"
import { runExperiment } from "../src/run/experiment.js"
import { Progress } from "../src/runtime/progress.js"
import { Backend, type BackendPreference } from "../src/runtime/backend.js"

/**
 * Seconds per round of an MNIST entropy run with the Gal CNN (20 initial labels, 10 per
 * round, the full 60,000-image pool scored every round, the 10,000 test images evaluated).
 */
export const benchAlRounds = (nRound = 2, backend: BackendPreference = "wasm") =>
  Effect.gen(function* () {
    const summary = yield* runExperiment({
      dataset: "mnist",
      strategy: "entropy",
      model: "gal-cnn",
      nInitLabeled: 20,
      nQuery: 10,
      nRound,
      seed: 1
    })
    const backendName = (yield* Backend).name
    return summary.rounds.map((r) => ({
      backend: backendName,
      round: r.round,
      labeled: r.labeled,
      train_s: r.trainSeconds,
      score_s: r.scoreSeconds,
      select_s: r.selectSeconds,
      accuracy: r.accuracy
    }))
  }).pipe(Effect.provide(Layer.merge(Backend.layer(backend), Progress.silent)))
