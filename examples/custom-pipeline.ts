// A pipeline built in code: your own tfjs model, your own strategy, your own oracle,
// run by deal's loop with the same outputs as `deal run` (spec.json, results.csv, results.json).
import { pathToFileURL } from "node:url"
import * as tf from "@tensorflow/tfjs-core"
import * as tfl from "@tensorflow/tfjs-layers"
import { Effect, Layer } from "effect"
import { Data, Loop, Models, Run, Runtime, Strategies } from "deal-active-learning"

// 1. A model factory: a small softmax regression, seeded by deal.
const softmaxRegression: Models.ModelFactory = ({ inputShape, numClasses, seed }) =>
  tfl.sequential({
    layers: [
      tfl.layers.flatten({ inputShape: [...inputShape] }),
      tfl.layers.dense({ units: numClasses, activation: "softmax", kernelInitializer: tfl.initializers.glorotUniform({ seed: seed() }) })
    ]
  })

// 2. A strategy from a plain scoring function over probabilities: the smallest
//    ratio p₂ / p₁ is the most confident, so query the highest ratio first.
const ratioOfTopTwo = Strategies.scoringStrategy({
  name: "top-two-ratio",
  rule: "highest p₂ / p₁ first",
  citation: "an example",
  direction: "highest",
  score: (p) => {
    const { values } = tf.topk(p, 2)
    return tf.reshape(tf.div(tf.slice(values, [0, 1], [-1, 1]), tf.slice(values, [0, 0], [-1, 1])), [-1]) as tf.Tensor1D
  }
})

export const main = (out: string) =>
  Effect.gen(function* () {
    const mnist = yield* Data.loadMnist()
    const train = Data.subsample(mnist.train, 2000, Runtime.RandomStream.make(1, "train"))
    const test = Data.subsample(mnist.test, 500, Runtime.RandomStream.make(1, "test"))
    // 3. An oracle: here it answers from the data's labels and counts the questions asked.
    let asked = 0
    const oracle: Loop.Oracle["Type"] = {
      label: (indices) => Effect.sync(() => ((asked += indices.length), indices.map((i) => train.y[i])))
    }
    const summary = yield* Run.activeLearning({
      data: { train, test },
      model: softmaxRegression,
      strategy: ratioOfTopTwo,
      oracle,
      train: { epochs: 5, batchSize: 32, learningRate: 0.01 },
      nInitLabeled: 20, nQuery: 20, nRound: 3, seed: 1, out
    })
    return { summary, asked }
  }).pipe(Effect.provide(Layer.merge(Runtime.Backend.layer("auto"), Runtime.Progress.silent)))

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { summary, asked } = await Effect.runPromise(main("runs/custom-pipeline"))
  for (const r of summary.rounds) console.log(`round ${r.round}: ${r.labeled} labels, accuracy ${r.accuracy.toFixed(3)}`)
  console.log(`the oracle answered ${asked} questions`)
}
