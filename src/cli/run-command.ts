import { Command, Options } from "@effect/cli"
import { Console, Effect, Layer, Logger, Option } from "effect"
import { datasetForms, parseDatasetName } from "../data/catalogue.js"
import { modelNames } from "../models/catalogue.js"
import { resultsTable } from "../run/run-directory.js"
import type { RoundResult } from "../loop/events.js"
import { runExperiment } from "../run/experiment.js"
import { resumeExperiment } from "../run/resume.js"
import type { ExperimentSpecInput } from "../run/spec.js"
import { Progress } from "../loop/progress.js"
import { Backend, type BackendPreference, backendPreferences } from "../runtime/backend.js"
import { findStrategy, strategyNames } from "../strategies/catalogue.js"
import { stoppingNames } from "../stopping/catalogue.js"
import { choiceFlag, integerFlag, numberFlag, textFlag, validatedFlag } from "./flags.js"

const options = {
  dataset: validatedFlag(
    "dataset_name",
    "dataset (PATH: an image folder with train/ and test/; a CSV/JSONL file or a folder with train and test files)",
    datasetForms,
    (text) => {
      const ref = parseDatasetName(text)
      return ref === undefined ? undefined : ref._tag === "BuiltIn" ? ref.name : `${ref.format}:${ref.path}`
    },
    "mnist"
  ),
  label: textFlag("label", "CSV/JSONL: the label column (default label)"),
  text: textFlag("text", "CSV/JSONL: a text column, turned into TF-IDF features (or token ids for embedding-bag, text-cnn)"),
  features: textFlag("features", "CSV/JSONL: numeric feature columns, comma-separated (default: all but the label and id)"),
  skipBad: Options.boolean("skip_bad").pipe(
    Options.withAlias("skip-bad"),
    Options.withDescription("skip corrupt images, rows or lines with a warning and a count, instead of failing")
  ),
  vocabSize: integerFlag("vocab_size", "text: the largest vocabulary, from the training split (default 2000)", { min: 1 }),
  maxTokens: integerFlag("max_tokens", "text with embedding-bag or text-cnn: tokens kept per document (default 256)", { min: 1 }),
  strategy: validatedFlag(
    "strategy_name",
    "query strategy (DalMax's class names accepted; a weighted combination of scored ones as entropy*0.7+bald*0.3)",
    [...strategyNames(), "a weighted combination such as entropy*0.7+bald*0.3"],
    (text) => {
      const found = findStrategy(text)
      // a catalogue name keeps its canonical spelling; a combination keeps the text it was given
      return found === undefined ? undefined : /[+*]/.test(text) ? text : found.name
    },
    "entropy"
  ),
  nInitLabeled: integerFlag("n_init_labeled", "labels before the first round", { default: 100 }),
  nQuery: integerFlag("n_query", "labels queried per round", { min: 1, default: 100 }),
  nRound: integerFlag("n_round", "acquisition rounds after round 0", { default: 10 }),
  seed: integerFlag("seed", "seed for every random choice", { default: 1 }),
  imgSize: integerFlag("img_size", "resize images to img_size × img_size (default: native size)", { min: 1 }),
  model: choiceFlag("model", "model", modelNames, "mlp"),
  epochs: integerFlag("epochs", "training epochs per round (default: the model's, 10 for mlp, 50 for gal-cnn)", { min: 1 }),
  batchSize: integerFlag("batch_size", "minibatch size (default: the model's, 64 for mlp, 128 for gal-cnn)", { min: 1 }),
  learningRate: numberFlag("lr", "Adam learning rate (default: the model's, else 1e-3)"),
  weightDecay: numberFlag("weight_decay", "weight-decay constant c (gal-cnn: L2 c / N_train on the first dense layer, c = 3.5 in Gal et al.'s code)"),
  initial: choiceFlag("initial", "how the initial labels are drawn", ["random", "balanced"], "random"),
  warmStart: Options.boolean("warm_start").pipe(
    Options.withAlias("warm-start"),
    Options.withDescription("start each round from the previous round's weights (default: fresh seeded weights)")
  ),
  nTrain: integerFlag("n_train", "use a seeded subsample of this many training examples", { min: 1 }),
  nTest: integerFlag("n_test", "evaluate on a seeded subsample of this many test examples", { min: 1 }),
  nValidation: integerFlag("n_validation", "split a seeded validation set of this many examples off the training data", { min: 1 }),
  mcSamples: integerFlag("mc_samples", "MC-dropout passes T per round for MC strategies (bald, batchbald, …; default 20)", { min: 1 }),
  poolSubset: integerFlag("pool_subset", "score a seeded random subset of this many unlabelled examples per round (default: all)", { min: 1 }),
  stopping: textFlag("stopping", `extra stopping criteria, comma-separated, e.g. max-labels=1000 (${stoppingNames.join(", ")})`),
  out: textFlag("out", "run directory for spec.json, results.csv, results.json (default runs/DATASET-STRATEGY-seedSEED)"),
  resume: textFlag("resume", "continue the interrupted run in this directory from its last complete round (flags given must match its spec.json)"),
  backend: choiceFlag("backend", "tfjs backend", backendPreferences, "auto")
}

/** `{ [key]: value }` when the flag was given, `{}` otherwise. */
const given = <K extends string, A>(key: K, o: Option.Option<A>) =>
  Option.match(o, { onNone: () => ({}), onSome: (value) => ({ [key]: value }) }) as Partial<Record<K, A>>
const list = (o: Option.Option<string>) => Option.map(o, (s) => s.split(",").map((x) => x.trim()).filter((x) => x !== ""))

/** What `deal run` uses for a flag that was not given. */
export const runDefaults = {
  dataset: "mnist",
  strategy: "entropy",
  model: "mlp",
  nInitLabeled: 100,
  nQuery: 100,
  nRound: 10,
  seed: 1
} as const

/** The spec fields the user gave on the command line (and only those). */
const givenSpec = (o: Command.Command.ParseConfig<typeof options>): Partial<ExperimentSpecInput> => ({
  ...given("dataset", o.dataset),
  ...given("strategy", o.strategy),
  ...given("model", o.model),
  ...given("nInitLabeled", o.nInitLabeled),
  ...given("initialSelection", o.initial as Option.Option<"random" | "balanced">),
  ...given("nQuery", o.nQuery),
  ...given("nRound", o.nRound),
  ...given("seed", o.seed),
  ...given("learningRate", o.learningRate),
  ...given("weightDecay", o.weightDecay),
  ...(o.warmStart ? { warmStart: true } : {}),
  ...given("stopping", list(o.stopping)),
  ...given("epochs", o.epochs),
  ...given("batchSize", o.batchSize),
  ...given("imgSize", o.imgSize),
  ...given("nTrain", o.nTrain),
  ...given("nTest", o.nTest),
  ...given("nValidation", o.nValidation),
  ...given("mcSamples", o.mcSamples),
  ...given("poolSubset", o.poolSubset),
  ...given("label", o.label),
  ...given("text", o.text),
  ...given("features", list(o.features)),
  ...(o.skipBad ? { skipBad: true } : {}),
  ...given("vocabSize", o.vocabSize),
  ...given("maxTokens", o.maxTokens)
})

/** Warnings (skipped bad inputs, ignored files) as one plain line each on stderr. */
const warningLogger = Logger.replace(
  Logger.defaultLogger,
  Logger.make(({ logLevel, message }) => {
    const text = (Array.isArray(message) ? message : [message]).map(String).join(" ")
    globalThis.console.error(`deal: ${logLevel.label.toLowerCase()}: ${text}`)
  }).pipe(Logger.filterLogLevel((level) => level._tag !== "Debug" && level._tag !== "Trace"))
)

const printSummary = (rounds: ReadonlyArray<RoundResult>, stop: string, out: string) =>
  Effect.all([
    Console.log(resultsTable(rounds).toMarkdown({ format: { round: String, labeled: String } })),
    Console.log(stop),
    Console.log(`results: ${out}/results.csv`)
  ])

/** `deal run`: one active-learning run, with DalMax's flags; `--resume DIR` continues one. */
export const runCommand = Command.make("run", options, (o) =>
  Effect.gen(function* () {
    const backend = yield* Backend
    yield* Console.error(`deal: backend ${backend.name}`)
    const spec = givenSpec(o)
    if (Option.isSome(o.resume)) {
      const dir = o.resume.value
      const outcome = yield* resumeExperiment(dir, spec)
      if (outcome._tag === "AlreadyFinished") {
        return yield* printSummary(outcome.rounds, `the run had already finished at round ${outcome.round}; nothing to do`, dir)
      }
      yield* Console.error(`deal: resumed ${dir} at round ${outcome.fromRound}`)
      const { stop, rounds } = outcome.summary
      return yield* printSummary(rounds, `stopped by ${stop.criterion} after round ${stop.round} (${stop.labeled} labels): ${stop.reason}`, dir)
    }
    const full = { ...runDefaults, ...spec }
    // folder:/data/cats → folder-cats: a dataset path never makes nested run folders
    const slug = full.dataset.replace(/^(\w+):(.*?)[\\/]*$/, (_, f: string, p: string) => `${f}-${p.split(/[\\/]/).pop()}`)
    const out = Option.getOrElse(o.out, () => `runs/${slug}-${full.strategy}-seed${full.seed}`)
    const { stop, rounds } = yield* runExperiment(full, { out })
    yield* printSummary(rounds, `stopped by ${stop.criterion} after round ${stop.round} (${stop.labeled} labels): ${stop.reason}`, out)
  }).pipe(
    Effect.provide(Layer.mergeAll(Backend.layer(Option.getOrElse(o.backend, () => "auto") as BackendPreference), Progress.terminal(), warningLogger))
  )
).pipe(Command.withDescription("Run active learning on a dataset and write the run directory; --resume DIR continues an interrupted run."))
