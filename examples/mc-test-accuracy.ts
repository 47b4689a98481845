// A saved model on the MNIST test set, with dropout off (as deal reports test accuracy) and as
// the mean of T MC-dropout passes (as Gal et al. 2017 evaluate). Run it on a round of a run:
//   node dist/examples/mc-test-accuracy.js RUN/models/round-0037 [T]
import { pathToFileURL } from "node:url"
import * as tf from "@tensorflow/tfjs-core"
import { Effect } from "effect"
import { Data, Models, Runtime, Strategies } from "deal-active-learning"

export const mcTestAccuracy = (modelDir: string, samples = 100, seed = 1) =>
  Effect.gen(function* () {
    yield* Runtime.Backend // tfjs is ready once the layer has picked a backend
    const { test } = yield* Data.loadMnist()
    const model = yield* Models.loadModel(modelDir)
    const all = Int32Array.from(test.y, (_, i) => i)
    const out = yield* Models.modelOutputs(model, test, all, { probabilities: true, mc: { samples, seed } })
    const c = out.numClasses
    const mean = tf.tidy(() => Strategies.meanProbabilities(tf.tensor3d(out.mcProbabilities!, [out.n, samples, c])).dataSync() as Float32Array)
    model.dispose()
    return {
      deterministic: Models.classificationMetrics(out.probabilities!, test.y, c).accuracy,
      mcDropout: Models.classificationMetrics(mean, test.y, c).accuracy
    }
  })

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [dir, t] = process.argv.slice(2)
  const { deterministic, mcDropout } = await Effect.runPromise(
    mcTestAccuracy(dir, t === undefined ? 100 : Number(t)).pipe(Effect.provide(Runtime.Backend.layer("auto")))
  )
  console.log(`${dir}: test accuracy ${deterministic.toFixed(4)} with dropout off, ${mcDropout.toFixed(4)} as the mean of ${t ?? 100} MC-dropout passes`)
}
