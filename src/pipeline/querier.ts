import * as tf from "@tensorflow/tfjs-core"
import { Effect, Layer } from "effect"
import { numClasses } from "../data/dataset.js"
import { unlabeledIndices } from "../data/pool.js"
import { predictProbabilities } from "../models/predict.js"
import { Rng } from "../runtime/rng.js"
import { timedSeconds } from "../runtime/timing.js"
import type { Strategy } from "../strategies/strategy.js"
import { Progress } from "./progress.js"
import { Querier } from "./stages.js"

/**
 * The default `score` + `select` stages for a strategy: computes what the strategy needs for
 * every unlabelled example (its class probabilities), then lets it choose with the seeded stream
 * `round r / select`.
 */
export const strategyQuerier = (strategy: Strategy): Layer.Layer<Querier, never, Rng | Progress> =>
  Layer.effect(
    Querier,
    Effect.gen(function* () {
      const rng = yield* Rng
      const progress = yield* Progress
      return {
        strategy: strategy.name,
        query: ({ round, model, data, pool, k }) =>
          Effect.gen(function* () {
            const candidates = unlabeledIndices(pool)
            const [probs, scoreSeconds] = yield* timedSeconds(
              strategy.needs.includes("probabilities")
                ? predictProbabilities(model, data, candidates, {
                    onBatch: (done, total) => progress.update(`round ${round} score`, done, total)
                  }).pipe(Effect.map((p) => p as Float32Array | undefined))
                : Effect.succeed(undefined)
            )
            const [indices, selectSeconds] = yield* timedSeconds(
              Effect.sync(() => {
                const probabilities = probs && tf.tensor2d(probs, [candidates.length, numClasses(data)])
                try {
                  return strategy.select({ candidates, k, rng: rng.stream("round", round, "select"), ...(probabilities ? { probabilities } : {}) })
                } finally {
                  probabilities?.dispose()
                }
              })
            )
            return { indices, scoreSeconds, selectSeconds }
          })
      }
    })
  )
