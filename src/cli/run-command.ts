import { join } from "node:path"
import { Command, Options } from "@effect/cli"
import { Console, Effect, Layer, Logger, Option } from "effect"
import { backboneForms } from "../backbones/catalogue.js"
import { datasetForms, parseDatasetName } from "../data/catalogue.js"
import { modelNames } from "../models/catalogue.js"
import type { RoundResult, RunEvent } from "../loop/events.js"
import { runResolved } from "../run/experiment.js"
import { resumeExperiment } from "../run/resume.js"
import { resultsTable, runFile, type StopRecord } from "../run/run-files.js"
import { resolveSpec, SpecError } from "../run/spec.js"
import { Progress } from "../runtime/progress.js"
import { Backend, type BackendPreference, backendPreferences } from "../runtime/backend.js"
import { findStrategy, strategyNames } from "../strategies/catalogue.js"
import { stoppingNames } from "../stopping/catalogue.js"
import { dalmaxParams } from "./dalmax-params.js"
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
  backbone: textFlag(
    "backbone",
    `embed every example with a frozen pretrained backbone and train the model (linear, mlp) on the embeddings: ${backboneForms.map(([f, d]) => `${f} (${d})`).join("; ")}`
  ),
  embeddingSpace: choiceFlag("embedding_space", "with --backbone: the embeddings diversity strategies (coreset, kmeans, typiclust, …) measure distances in", ["penultimate", "backbone"], "penultimate"),
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
  seed: integerFlag("seed", "seed for every random choice", { max: 2 ** 32 - 1, default: 1 }),
  imgSize: integerFlag("img_size", "resize images to img_size × img_size (default: native size)", { min: 1 }),
  model: validatedFlag(
    "model",
    "model (file:PATH/model.json: a pretrained tfjs LayersModel, fine-tuned each round from its pretrained weights)",
    [...modelNames, "file:PATH/model.json"],
    (text) => (text.startsWith("file:") && text.length > 5 ? text : (modelNames.find((m) => m === text) ?? modelNames.find((m) => m.toLowerCase() === text.toLowerCase()))),
    "mlp"
  ),
  trainableLayers: integerFlag("trainable_layers", "with --model file:…: train only the last k layers that have weights (default: all)", { min: 1 }),
  headDropout: numberFlag("head_dropout", "with --model file:…: a dropout layer of this rate (below 1) before the head, so MC-dropout strategies apply"),
  epochs: integerFlag("epochs", "training epochs per round (default: the model's, 10 for mlp, 50 for gal-cnn)", { min: 1 }),
  batchSize: integerFlag("batch_size", "minibatch size (default: the model's, 64 for mlp, 128 for gal-cnn)", { min: 1 }),
  learningRate: numberFlag("lr", "learning rate (default: the model's, else 1e-3)"),
  optimizer: choiceFlag("optimizer", "optimizer (default: the model's: sgd for dalmax-cifar, else adam)", ["adam", "sgd"], "adam"),
  momentum: numberFlag("momentum", "SGD momentum, below 1 (default: the model's, 0.3 for dalmax-cifar, else 0)"),
  weightDecay: numberFlag("weight_decay", "weight-decay constant c (gal-cnn: L2 c / N_train on the first dense layer, c = 3.5 in Gal et al.'s code)"),
  initial: choiceFlag(
    "initial",
    "how the initial labels are drawn: at random, class-balanced (reads the labels, as the papers' seed sets), or label-free from the features (a backbone's embeddings when one is set) by typiclust, probcover or kmeans",
    ["random", "balanced", "typiclust", "probcover", "kmeans"],
    "random"
  ),
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
  paramsJson: textFlag("params_json", "DalMax's params file (params_df.json): the dataset's n_epoch, n_drop, batch size, SGD lr and momentum, and data_dir; flags given here win"),
  dirResults: textFlag("dir_results", "as DalMax: the folder to write the run directory in (DIR/DATASET-STRATEGY-seedSEED), instead of --out"),
  out: textFlag("out", `run directory for ${runFile.spec}, ${runFile.resultsCsv}, ${runFile.results}, … (default runs/DATASET-STRATEGY-seedSEED)`),
  resume: textFlag("resume", `continue the interrupted run in this directory from its last complete round (flags given must match its ${runFile.spec})`),
  backend: choiceFlag("backend", "tfjs backend", backendPreferences, "auto"),
  threads: integerFlag("threads", "cores for the wasm backend's XNNPACK threads (default: all of this machine's, up to 8; results do not depend on it)", { min: 1 }),
  allowBackendChange: Options.boolean("allow_backend_change").pipe(
    Options.withAlias("allow-backend-change"),
    Options.withDescription("with --resume: go on under another backend or tfjs/kernel versions than the run's (float order differs; each round records its backend)")
  )
}

const value = Option.getOrUndefined
const list = (o: Option.Option<string>) => value(Option.map(o, (s) => s.split(",").map((x) => x.trim()).filter((x) => x !== "")))

/** The spec fields the user gave on the command line (undefined: not given, so the spec's default or the saved run's). */
const givenSpec = (o: Command.Command.ParseConfig<typeof options>) => ({
  dataset: value(o.dataset),
  strategy: value(o.strategy),
  model: value(o.model),
  nInitLabeled: value(o.nInitLabeled),
  initialSelection: value(o.initial),
  nQuery: value(o.nQuery),
  nRound: value(o.nRound),
  seed: value(o.seed),
  learningRate: value(o.learningRate),
  optimizer: value(o.optimizer) as "adam" | "sgd" | undefined,
  momentum: value(o.momentum),
  weightDecay: value(o.weightDecay),
  warmStart: o.warmStart || undefined,
  trainableLayers: value(o.trainableLayers),
  headDropout: value(o.headDropout),
  stopping: list(o.stopping),
  epochs: value(o.epochs),
  batchSize: value(o.batchSize),
  imgSize: value(o.imgSize),
  backbone: value(o.backbone),
  embeddingSpace: value(o.embeddingSpace) as "penultimate" | "backbone" | undefined,
  nTrain: value(o.nTrain),
  nTest: value(o.nTest),
  nValidation: value(o.nValidation),
  mcSamples: value(o.mcSamples),
  poolSubset: value(o.poolSubset),
  label: value(o.label),
  text: value(o.text),
  features: list(o.features),
  skipBad: o.skipBad || undefined,
  vocabSize: value(o.vocabSize),
  maxTokens: value(o.maxTokens)
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
    Console.log(`results: ${join(out, runFile.resultsCsv)}`)
  ])

const stopLine = (stop: StopRecord) => `stopped by ${stop.criterion} after round ${stop.round} (${stop.labeled} labels): ${stop.reason}`

/**
 * Tracks the round in progress, so that Ctrl-C or SIGTERM can say where the run was
 * interrupted and how to go on.
 */
const roundTracker = () => {
  let next = 0
  return {
    reporter: { report: (e: RunEvent) => Effect.sync(() => void (e._tag === "RoundCompleted" && (next = e.result.round + 1))) },
    interrupted: (dir: string) =>
      Console.error(
        next === 0
          ? `deal: interrupted at round 0, before anything was saved; run the same command again`
          : `deal: interrupted at round ${next}; resume with deal run --resume ${dir}`
      )
  }
}

/** `deal run`: one active-learning run, with DalMax's flags; `--resume DIR` continues one. */
export const runCommand = Command.make("run", options, (o) =>
  Effect.gen(function* () {
    const backend = yield* Backend
    yield* Console.error(`deal: backend ${backend.device}`)
    const given = givenSpec(o)
    const tracker = roundTracker()
    if (Option.isSome(o.resume)) {
      const dir = o.resume.value
      const outcome = yield* resumeExperiment(dir, given, { reporter: tracker.reporter, allowBackendChange: o.allowBackendChange }).pipe(
        Effect.onInterrupt(() => tracker.interrupted(dir))
      )
      if (outcome._tag === "AlreadyFinished") {
        return yield* printSummary(outcome.rounds, `the run had already finished at round ${outcome.round} (${stopLine(outcome.stop)}); nothing to do`, dir)
      }
      yield* Console.error(`deal: resumed ${dir} at round ${outcome.fromRound}${outcome.redone === undefined ? "" : ` (${outcome.redone})`}`)
      return yield* printSummary(outcome.summary.rounds, stopLine(outcome.summary.stop), dir)
    }
    if (Option.isSome(o.out) && Option.isSome(o.dirResults)) return yield* Effect.fail(new SpecError({ message: "give --out or --dir_results, not both" }))
    const spec = Option.isSome(o.paramsJson) ? yield* dalmaxParams(o.paramsJson.value, given) : given
    const resolved = yield* resolveSpec(spec)
    const { dataset, strategy, seed } = resolved.spec
    // folder:/data/cats → folder-cats: a dataset path never makes nested run folders
    const slug = dataset.replace(/^(\w+):(.*?)[\\/]*$/, (_, f: string, p: string) => `${f}-${p.split(/[\\/]/).pop()}`)
    const out = Option.getOrElse(o.out, () => join(Option.getOrElse(o.dirResults, () => "runs"), `${slug}-${strategy}-seed${seed}`))
    const { stop, rounds } = yield* runResolved(resolved, { out, reporter: tracker.reporter }).pipe(Effect.onInterrupt(() => tracker.interrupted(out)))
    yield* printSummary(rounds, stopLine(stop), out)
  }).pipe(
    Effect.provide(Layer.mergeAll(Backend.layer(Option.getOrElse(o.backend, () => "auto") as BackendPreference, { threads: value(o.threads) }), Progress.terminal(), warningLogger))
  )
).pipe(Command.withDescription("Run active learning on a dataset and write the run directory; --resume DIR continues an interrupted run."))
