import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { runExperiment } from "../../src/run/experiment.js"
import { Progress } from "../../src/runtime/progress.js"
import { Backend } from "../../src/runtime/backend.js"
import { strategyCatalogue } from "../../src/strategies/catalogue.js"

const env = Layer.merge(Backend.layer("wasm"), Progress.silent)

// `deal run --strategy_name NAME` for every name: one acquisition round on a tiny MNIST subsample.
describe("every catalogue strategy runs end to end on MNIST", () => {
  for (const strategy of strategyCatalogue) {
    it.effect(strategy.name, () =>
      Effect.gen(function* () {
        const summary = yield* runExperiment({
          dataset: "mnist",
          strategy: strategy.aliases[0] ?? strategy.name,
          model: "mlp",
          nInitLabeled: 20,
          nQuery: 10,
          nRound: 1,
          seed: 1,
          nTrain: 300,
          nTest: 100,
          epochs: 1,
          mcSamples: 4,
          poolSubset: 200
        })
        expect(summary.rounds).toHaveLength(2)
        const queried = summary.rounds[0].queried
        expect(queried).toHaveLength(10)
        expect(new Set(queried).size).toBe(10)
        expect(summary.rounds[1].labeled).toBe(30)
      }).pipe(Effect.provide(env))
    )
  }
})
