// People label from code: an oracle that shows each queried message and asks a person for its
// class, here in the terminal (deal label does the same in a browser). Every answer goes into the
// loop as the labels of the run; the model retrains on them each round.
//   node dist/examples/label-in-terminal.js      (answer h for ham, s for spam)
import { createInterface } from "node:readline/promises"
import { pathToFileURL } from "node:url"
import { Effect, Layer } from "effect"
import { Data, Loop, Models, Run, Runtime, Strategies } from "deal-active-learning"

/** An oracle that asks `ask` about each queried text and takes the class whose first letter the answer starts with. */
export const askingOracle = (texts: ReadonlyArray<string>, classes: ReadonlyArray<string>, ask: (question: string) => Promise<string>): Loop.Oracle["Type"] => ({
  label: (indices) =>
    Effect.gen(function* () {
      const labels = new Int32Array(indices.length)
      for (const [j, i] of indices.entries()) {
        const keys = classes.map((c) => c[0]).join("/")
        let label = -1
        while (label < 0) {
          const answer = yield* Effect.promise(() => ask(`\n${texts[i].slice(0, 300).replace(/\s+/g, " ")}\n${classes.join(" or ")}? [${keys}] `))
          label = classes.findIndex((c) => c[0] === answer.trim().toLowerCase()[0])
        }
        labels[j] = label
      }
      return labels
    })
})

export const main = (ask: (question: string) => Promise<string>) =>
  Effect.gen(function* () {
    const spam = yield* Data.loadDataset("spam", { seed: 1 })
    const train = Data.subsample(spam.train, 1000, Runtime.RandomStream.make(1, "train"))
    return yield* Run.activeLearning({
      data: { train, test: spam.test },
      model: Models.mlp({ hidden: 32 }),
      strategy: Strategies.entropy,
      train: { epochs: 20, batchSize: 16, learningRate: 1e-3 },
      nInitLabeled: 10, nQuery: 5, nRound: 2, seed: 1,
      oracle: askingOracle(train.texts!, train.classNames, ask)
    })
  }).pipe(Effect.provide(Layer.merge(Runtime.Backend.layer("auto"), Runtime.Progress.silent)))

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const terminal = createInterface({ input: process.stdin, output: process.stdout })
  const summary = await Effect.runPromise(main((question) => terminal.question(question)))
  terminal.close()
  for (const r of summary.rounds) console.log(`round ${r.round}: ${r.labeled} labels of yours, test accuracy ${r.accuracy.toFixed(3)}`)
}
