// Does the CNN of Gal et al.'s Keras scripts (3×3 kernels, 5×5 pooling: `gal-cnn-keras`) learn
// more from few labels than the paper's (4×4, 2×2: `gal-cnn`)? Both are trained as a finished
// gal2017-mnist run trains (its spec: epochs, batch, learning rate, weight decay c / N) on the
// same labelled sets, and scored on the run's test images with dropout off:
//   - "run": the run's own labelled set at N labels (the first N of its acquisition order);
//   - "random": its 20 initial labels plus N − 20 drawn at random from the rest.
// Repeat 0 uses the run's own seeds for round (N − 20) / 10, so `run` × `gal-cnn` × repeat 0
// re-trains that round of the run and must give its results.csv accuracy (checked, printed);
// the other repeats draw fresh initialisation, dropout and batch order.
//
// A variant `NAME@c` trains model NAME with weight decay c instead of the run's (`gal-cnn@0`: none);
// the seeds depend on the set, size and repeat only, so variants are compared pairwise. With
// `--mc T` each model is also scored as the mean of T MC-dropout passes (Gal et al.'s evaluation).
//
//   node dist/experiments/scripts/gal-architecture.js RUN_DIR [--sizes 120,160,200] [--repeats 3]
//     [--variants gal-cnn,gal-cnn-keras] [--mc T] [--out FILE.csv]
import { writeFile } from "node:fs/promises"
import { pathToFileURL } from "node:url"
import * as tf from "@tensorflow/tfjs-core"
import * as aq from "arquero"
import { Effect } from "effect"
import { Data, Models, Run, Runtime, Strategies } from "deal-active-learning"


export interface ArchitectureRow {
  readonly set: "run" | "random"
  readonly labels: number
  readonly model: string
  readonly weightDecay: number
  readonly repeat: number
  readonly accuracy: number
  /** With `mcSamples`: the accuracy of the mean of that many MC-dropout passes. */
  readonly mcAccuracy?: number
}

/** `NAME` or `NAME@c`: a catalogue model and, optionally, its weight-decay constant. */
const parseVariant = (variant: string, runWeightDecay: number) => {
  const [model, c] = variant.split("@")
  if (Models.modelCatalogue[model] === undefined) throw new Error(`unknown model '${model}' in variant '${variant}'`)
  const weightDecay = c === undefined ? runWeightDecay : Number(c)
  if (!(weightDecay >= 0)) throw new Error(`variant '${variant}': weight decay must be a number ≥ 0`)
  return { model, weightDecay }
}

export const architectureCheck = (
  runDir: string,
  sizes: ReadonlyArray<number>,
  repeats: number,
  variants: ReadonlyArray<string> = ["gal-cnn", "gal-cnn-keras"],
  options: { readonly mcSamples?: number; readonly verbose?: boolean } = {}
) =>
  Effect.gen(function* () {
    yield* Runtime.Backend
    const { spec } = yield* Effect.flatMap(Run.readSpecFile(runDir), (saved) => Run.resolveSpec(saved))
    const labeledOrder = (yield* Run.readCheckpoint(runDir)).labeled.indices
    const runAccuracy = new Map((yield* Run.readResultsFile(runDir)).rounds.map((r) => [r.labeled, r.accuracy] as const))
    const mnist = yield* Data.loadMnist()
    // The run's data, drawn as `deal run` draws it: its seeded subsamples (if any) of the 60,000
    // training and 10,000 test images, less its seeded validation set.
    const all = Data.subsample(mnist.train, spec.nTrain, Runtime.RandomStream.make(spec.seed, "subsample", "train"))
    const test = Data.subsample(mnist.test, spec.nTest, Runtime.RandomStream.make(spec.seed, "subsample", "test"))
    const train =
      spec.nValidation === undefined ? all : (yield* Data.splitValidation(all, spec.nValidation, Runtime.RandomStream.make(spec.seed, "validation"))).train
    const testIndices = Int32Array.from(test.y, (_, i) => i)
    const initial = labeledOrder.subarray(0, spec.nInitLabeled)
    const rest = (() => {
      const taken = new Uint8Array(train.y.length)
      for (const i of initial) taken[i] = 1
      return Int32Array.from(train.y.keys()).filter((i) => taken[i] === 0)
    })()
    const rows: ArchitectureRow[] = []
    for (const n of sizes) {
      if (n > labeledOrder.length) return yield* Effect.die(new Error(`the run has ${labeledOrder.length} labels, fewer than ${n}`))
      const round = (n - spec.nInitLabeled) / spec.nQuery
      const sets = {
        run: labeledOrder.slice(0, n),
        random: Int32Array.from([...initial, ...Runtime.RandomStream.make(spec.seed, "architecture-check", "random", n).sample(rest, n - spec.nInitLabeled)])
      }
      for (const [set, indices] of Object.entries(sets) as Array<["run" | "random", Int32Array]>) {
        const labels = indices.map((i) => train.y[i])
        for (const { model: name, weightDecay } of variants.map((v) => parseVariant(v, spec.weightDecay ?? 0))) {
          for (let repeat = 0; repeat < repeats; repeat++) {
            const stream = (purpose: string) =>
              repeat === 0 ? Runtime.RandomStream.make(spec.seed, "round", round, purpose) : Runtime.RandomStream.make(spec.seed, "architecture-check", repeat, n, purpose)
            const init = stream("init")
            const model = Models.modelCatalogue[name].make({ weightDecay })({
              inputShape: train.shape, numClasses: 10, seed: () => init.seed(), trainingSize: n
            })
            Models.reseedDropout(model, stream("dropout").seed())
            yield* Models.fitModel(model, train, indices, labels, spec, stream("train"))
            const T = options.mcSamples
            const out = yield* Models.modelOutputs(model, test, testIndices, {
              probabilities: true,
              ...(T === undefined ? {} : { mc: { samples: T, seed: stream("mc").seed() } })
            })
            model.dispose()
            const accuracy = Models.classificationMetrics(out.probabilities!, test.y, 10).accuracy
            const mcAccuracy =
              T === undefined
                ? undefined
                : Models.classificationMetrics(tf.tidy(() => Strategies.meanProbabilities(tf.tensor3d(out.mcProbabilities!, [out.n, T, 10])).dataSync() as Float32Array), test.y, 10).accuracy
            rows.push({ set, labels: n, model: name, weightDecay, repeat, accuracy, ...(mcAccuracy === undefined ? {} : { mcAccuracy }) })
            const check = set === "run" && name === "gal-cnn" && weightDecay === spec.weightDecay && repeat === 0 ? ` (the run's round ${round}: ${runAccuracy.get(n)})` : ""
            const mc = mcAccuracy === undefined ? "" : `, ${mcAccuracy.toFixed(4)} with MC dropout`
            if (options.verbose) console.error(`${set} set, ${n} labels, ${name} (c = ${weightDecay}), repeat ${repeat}: test accuracy ${accuracy.toFixed(4)}${mc}${check}`)
          }
        }
      }
    }
    return rows
  })

/** Mean ± std of the repeats per labelled set, size and model (and of the MC-dropout accuracy, when measured). */
export const summarize = (rows: ReadonlyArray<ArchitectureRow>) =>
  aq
    .from(rows)
    .groupby("set", "labels", "model", "weightDecay")
    .rollup({
      repeats: aq.op.count(),
      mean: aq.op.mean("accuracy"),
      std: aq.op.stdev("accuracy"),
      ...(rows.some((r) => r.mcAccuracy !== undefined) ? { mc_mean: aq.op.mean("mcAccuracy"), mc_std: aq.op.stdev("mcAccuracy") } : {})
    })
    .orderby("set", "labels", "model", "weightDecay")

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2)
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`)
    return i < 0 ? undefined : args[i + 1]
  }
  const sizes = (flag("sizes") ?? "120,160,200").split(",").map(Number)
  const repeats = Number(flag("repeats") ?? 3)
  const variants = flag("variants")?.split(",")
  const mc = flag("mc")
  const rows = await Effect.runPromise(
    architectureCheck(args[0], sizes, repeats, variants, { verbose: true, ...(mc === undefined ? {} : { mcSamples: Number(mc) }) }).pipe(
      Effect.provide(Runtime.Backend.layer("auto"))
    )
  )
  const out = flag("out")
  if (out !== undefined) await writeFile(out, aq.from(rows).toCSV())
  console.log(summarize(rows).toMarkdown())
}
