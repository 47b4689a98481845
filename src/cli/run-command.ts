import { Command, Options } from "@effect/cli"
import { Console, Effect, Layer, Option } from "effect"
import { datasetNames } from "../data/catalogue.js"
import { modelNames } from "../models/catalogue.js"
import { resultsTable } from "../pipeline/run-directory.js"
import { runExperiment } from "../pipeline/experiment.js"
import { Progress } from "../pipeline/progress.js"
import { Backend, type BackendPreference, backendPreferences } from "../runtime/backend.js"
import { strategyNames } from "../strategies/catalogue.js"
import { stoppingNames } from "../stopping/parse.js"
import { choiceFlag, integerFlag, numberFlag, textFlag } from "./flags.js"

const options = {
  dataset: choiceFlag("dataset_name", "dataset", datasetNames, "mnist"),
  strategy: choiceFlag("strategy_name", "query strategy (DalMax's class names accepted)", strategyNames(), "entropy"),
  nInitLabeled: integerFlag("n_init_labeled", "labels before the first round", { default: 100 }),
  nQuery: integerFlag("n_query", "labels queried per round", { min: 1, default: 100 }),
  nRound: integerFlag("n_round", "acquisition rounds after round 0", { default: 10 }),
  seed: integerFlag("seed", "seed for every random choice", { default: 1 }),
  imgSize: integerFlag("img_size", "resize images to img_size × img_size (default: native size)", { min: 1 }),
  model: choiceFlag("model", "model", modelNames, "mlp"),
  epochs: integerFlag("epochs", "training epochs per round (default: the model's, 10 for mlp, 50 for gal-cnn)", { min: 1 }),
  batchSize: integerFlag("batch_size", "minibatch size (default: the model's, 64 for mlp, 128 for gal-cnn)", { min: 1 }),
  learningRate: numberFlag("lr", "Adam learning rate", 1e-3),
  initial: choiceFlag("initial", "how the initial labels are drawn", ["random", "balanced"], "random"),
  warmStart: Options.boolean("warm_start").pipe(
    Options.withAlias("warm-start"),
    Options.withDescription("start each round from the previous round's weights (default: fresh seeded weights)")
  ),
  nTrain: integerFlag("n_train", "use a seeded subsample of this many training examples", { min: 1 }),
  nTest: integerFlag("n_test", "evaluate on a seeded subsample of this many test examples", { min: 1 }),
  stopping: textFlag("stopping", `extra stopping criteria, comma-separated, e.g. max-labels=1000 (${stoppingNames.join(", ")})`),
  out: textFlag("out", "run directory for spec.json, results.csv, results.json (default runs/DATASET-STRATEGY-seedSEED)"),
  backend: choiceFlag("backend", "tfjs backend", backendPreferences, "auto")
}

const get = (o: Option.Option<number>) => Option.getOrThrow(o)
/** `{ [key]: value }` when the flag was given, `{}` otherwise. */
const given = <K extends string, A>(key: K, o: Option.Option<A>) =>
  Option.match(o, { onNone: () => ({}), onSome: (value) => ({ [key]: value }) }) as Partial<Record<K, A>>

/** `deal run`: one active-learning run, with DalMax's flags. */
export const runCommand = Command.make("run", options, (o) =>
  Effect.gen(function* () {
    const backend = yield* Backend
    yield* Console.error(`deal: backend ${backend.name}`)
    const out = Option.getOrElse(o.out, () => `runs/${o.dataset}-${o.strategy}-seed${get(o.seed)}`)
    const summary = yield* runExperiment(
      {
        dataset: o.dataset,
        strategy: o.strategy,
        model: o.model,
        nInitLabeled: get(o.nInitLabeled),
        initialSelection: o.initial as "random" | "balanced",
        nQuery: get(o.nQuery),
        nRound: get(o.nRound),
        seed: get(o.seed),
        learningRate: o.learningRate,
        warmStart: o.warmStart,
        stopping: Option.match(o.stopping, { onNone: () => [], onSome: (s) => s.split(",").filter((x) => x.trim() !== "") }),
        ...given("epochs", o.epochs),
        ...given("batchSize", o.batchSize),
        ...given("imgSize", o.imgSize),
        ...given("nTrain", o.nTrain),
        ...given("nTest", o.nTest)
      },
      { out }
    )
    yield* Console.log(resultsTable(summary.rounds).toMarkdown({ format: { round: String, labeled: String } }))
    yield* Console.log(`stopped by ${summary.stop.criterion} after round ${summary.stop.round} (${summary.stop.labeled} labels): ${summary.stop.reason}`)
    yield* Console.log(`results: ${out}/results.csv`)
  }).pipe(
    Effect.provide(Layer.merge(Backend.layer(o.backend as BackendPreference), Progress.terminal()))
  )
).pipe(Command.withDescription("Run active learning on a dataset and write the run directory."))
