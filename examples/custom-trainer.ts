// A stage of your own: a Loop.Trainer Layer that replaces deal's default training stage. It takes
// as many gradient steps every round, whatever the size of the labelled set (epochs =
// ceil(steps × batch / labels)), where deal's default trains a fixed number of epochs.
import { pathToFileURL } from "node:url"
import { Effect, Layer } from "effect"
import { Data, Loop, Models, Run, Runtime, Strategies } from "deal-active-learning"

export const constantSteps = (factory: Models.ModelFactory, steps: number, batchSize: number, epochsUsed: Array<number>) =>
  Layer.effect(
    Loop.Trainer,
    Effect.map(Runtime.Rng, (rng) => ({
      train: ({ round, data, labeled: { indices, labels } }) =>
        Effect.gen(function* () {
          const init = rng.stream("round", round, "init")
          const model = yield* Runtime.acquireDisposable(() =>
            factory({ inputShape: data.shape, numClasses: Data.numClasses(data), seed: () => init.seed(), trainingSize: indices.length })
          )
          const epochs = Math.max(1, Math.ceil((steps * batchSize) / indices.length))
          epochsUsed.push(epochs)
          const loss = yield* Models.fitModel(model, data, indices, labels, { epochs, batchSize, learningRate: 1e-3 }, rng.stream("round", round, "train"))
          return { model, loss }
        })
    }))
  )

export const main = (out: string) =>
  Effect.gen(function* () {
    const mnist = yield* Data.loadMnist()
    const train = Data.subsample(mnist.train, 1000, Runtime.RandomStream.make(1, "train"))
    const test = Data.subsample(mnist.test, 300, Runtime.RandomStream.make(1, "test"))
    const epochsUsed: Array<number> = []
    const summary = yield* Run.activeLearning({
      data: { train, test },
      model: Models.mlp(),
      strategy: Strategies.entropy,
      train: { epochs: 10, batchSize: 32, learningRate: 1e-3 },
      stages: { trainer: constantSteps(Models.mlp(), 20, 32, epochsUsed) },
      nInitLabeled: 40, nQuery: 40, nRound: 3, seed: 1, out,
      // spec.json describes the run as it really trains
      spec: { trainer: "constant-steps", steps: 20, batchSize: 32, strategy: "entropy", nInitLabeled: 40, nQuery: 40, nRound: 3, seed: 1 }
    })
    return { summary, epochsUsed }
  }).pipe(Effect.provide(Layer.merge(Runtime.Backend.layer("auto"), Runtime.Progress.silent)))

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { summary, epochsUsed } = await Effect.runPromise(main("runs/custom-trainer"))
  for (const [i, r] of summary.rounds.entries()) console.log(`round ${r.round}: ${r.labeled} labels, ${epochsUsed[i]} epochs, accuracy ${r.accuracy.toFixed(3)}`)
}
