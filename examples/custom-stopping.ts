// A stopping rule of your own: stop once the model's accuracy on the batch it just queried (as
// the oracle labelled it) has reached `level` in `rounds` rounds in a row. A criterion is a pure
// fold over the rounds' observations; `criterionFamily` gives it a name, a doc and defaults,
// and `deal stop-analysis`'s analysis evaluates it after the fact as the loop does live.
import { pathToFileURL } from "node:url"
import { Effect, Layer } from "effect"
import { Data, Loop, Models, Run, Runtime, Stopping, Strategies } from "deal-active-learning"

export const steadyBatchAccuracy = Stopping.criterionFamily(
  "steady-batch-accuracy",
  { citation: "an example", rule: "accuracy on the queried batch ≥ 0.8 in 2 rounds in a row", direction: "stops when the queried batch is predicted well" },
  { level: 0.8, rounds: 2 },
  ({ level, rounds }, name) => ({
    name,
    initial: 0,
    step: (streak: number, o) => {
      if (o.queried === undefined) return [0, Stopping.Continue]
      const { predicted, labels } = o.queried
      const accuracy = predicted.reduce((n, p, i) => n + (p === labels[i] ? 1 : 0), 0) / predicted.length
      const next = accuracy >= level ? streak + 1 : 0
      return [next, next >= rounds ? Stopping.Stop(name, `accuracy ${accuracy.toFixed(2)} on the queried batch, ${next} rounds in a row`) : Stopping.Continue]
    }
  })
)

export const main = (level: number) =>
  Effect.gen(function* () {
    const mnist = yield* Data.loadMnist()
    const train = Data.subsample(mnist.train, 2000, Runtime.RandomStream.make(1, "train"))
    const test = Data.subsample(mnist.test, 500, Runtime.RandomStream.make(1, "test"))
    const observations: Array<Stopping.Observation> = []
    const reporter: Loop.RunReporter["Type"] = {
      report: (event) => (event._tag === "RoundCompleted" ? Effect.sync(() => observations.push(event.observation)) : Effect.void)
    }
    const criterion = steadyBatchAccuracy({ level })
    const summary = yield* Run.activeLearning({
      data: { train, test },
      model: Models.mlp(),
      strategy: Strategies.random,
      train: { epochs: 10, batchSize: 32, learningRate: 1e-3 },
      nInitLabeled: 50, nQuery: 50, nRound: 15, seed: 1, stopping: [criterion], reporter
    })
    // the same rule, folded over the recorded rounds afterwards
    const [afterwards] = Stopping.analyzeStopping(observations, [criterion])
    return { summary, afterwards, observations }
  }).pipe(Effect.provide(Layer.merge(Runtime.Backend.layer("auto"), Runtime.Progress.silent)))

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { summary } = await Effect.runPromise(main(Number(process.argv[2] ?? 0.8)))
  console.log(`stopped after round ${summary.stop.round} (${summary.stop.labeled} labels) by ${summary.stop.criterion}: ${summary.stop.reason}`)
}
