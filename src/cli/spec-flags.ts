/**
 * The flags that say what to learn from and how: one declaration each, shared by every command
 * that takes them (`deal run`, `deal label`, `deal serve`), so each validates the same way
 * (datasets, strategies and models checked against their catalogues, with a did-you-mean for a
 * typo). Each group's keys are the experiment spec's field names; a flag not given is absent
 * (`givenFields`), and the spec's defaults (`specDefaults`, shown in the help) or the model's
 * apply.
 */
import { backboneForms } from "../backbones/catalogue.js"
import { datasetForms, parseDatasetName } from "../data/catalogue.js"
import { modelNames } from "../models/catalogue.js"
import { initialSelections, specDefaults } from "../run/spec.js"
import { stoppingNames } from "../stopping/catalogue.js"
import { findStrategy, strategyNames } from "../strategies/catalogue.js"
import { booleanFlag, choiceFlag, integerFlag, listFlag, numberFlag, textFlag, validatedFlag } from "./flags.js"

/** The data, as every command reads it. */
export const dataFlags = {
  dataset: validatedFlag(
    "dataset_name",
    "the dataset (PATH: an image folder with train/ and test/, or unlabeled/ to label; a CSV/JSONL file or a folder with train and test files)",
    datasetForms,
    (text) => {
      const ref = parseDatasetName(text)
      return ref === undefined ? undefined : ref._tag === "BuiltIn" ? ref.name : `${ref.format}:${ref.path}`
    },
    { shown: `${specDefaults.dataset} for deal run` }
  ),
  text: textFlag("text", "CSV/JSONL: a text column, turned into TF-IDF features (or token ids for embedding-bag, text-cnn)"),
  features: listFlag("features", "CSV/JSONL: numeric feature columns (default: all but the label and id)", "f1,f2"),
  imgSize: integerFlag("img_size", "resize images to img_size × img_size (default: native size)", { min: 1 }),
  backbone: textFlag(
    "backbone",
    `embed every example with a frozen pretrained backbone and train the model (linear, mlp) on the embeddings: ${backboneForms.map(([f, d]) => `${f} (${d})`).join("; ")}`
  )
}

/** How the data of a run (with its labels) is read, subsampled and split. */
export const runDataFlags = {
  label: textFlag("label", "CSV/JSONL: the label column (default label)"),
  skipBad: booleanFlag("skip_bad", "skip corrupt images, rows or lines with a warning and a count, instead of failing"),
  embeddingSpace: choiceFlag("embedding_space", "with --backbone: the embeddings diversity strategies (coreset, kmeans, typiclust, …) measure distances in", ["penultimate", "backbone"], {
    shown: "penultimate"
  }),
  vocabSize: integerFlag("vocab_size", "text: the largest vocabulary, from the training split (default 2000)", { min: 1 }),
  maxTokens: integerFlag("max_tokens", "text with embedding-bag or text-cnn: tokens kept per document (default 256)", { min: 1 }),
  nTrain: integerFlag("n_train", "use a seeded subsample of this many training examples", { min: 1 }),
  nTest: integerFlag("n_test", "evaluate on a seeded subsample of this many test examples", { min: 1 }),
  nValidation: integerFlag("n_validation", "split a seeded validation set of this many examples off the training data", { min: 1 })
}

/** The model and its training. */
export const modelFlags = {
  model: validatedFlag(
    "model",
    "the model (file:PATH/model.json: a pretrained tfjs LayersModel, fine-tuned each round from its pretrained weights)",
    [...modelNames, "file:PATH/model.json"],
    (text) => (text.startsWith("file:") && text.length > 5 ? text : (modelNames.find((m) => m === text) ?? modelNames.find((m) => m.toLowerCase() === text.toLowerCase()))),
    { shown: "the dataset's, else mlp" }
  ),
  trainableLayers: integerFlag("trainable_layers", "with --model file:…: train only the last k layers that have weights (default: all)", { min: 1 }),
  headDropout: numberFlag("head_dropout", "with --model file:…: a dropout layer of this rate (below 1) before the head, so MC-dropout strategies apply"),
  epochs: integerFlag("epochs", "training epochs per round", { min: 1, shown: "the model's, 10 for mlp, 50 for gal-cnn" }),
  batchSize: integerFlag("batch_size", "minibatch size", { min: 1, shown: "the model's, 64 for mlp, 128 for gal-cnn" }),
  learningRate: numberFlag("lr", "learning rate", { shown: "the model's, else 1e-3" }),
  optimizer: choiceFlag("optimizer", "optimizer", ["adam", "sgd"], { shown: "the model's: sgd for dalmax-cifar, else adam" }),
  momentum: numberFlag("momentum", "SGD momentum, below 1", { shown: "the model's, 0.3 for dalmax-cifar, else 0" }),
  weightDecay: numberFlag("weight_decay", "weight-decay constant c (gal-cnn: L2 c / N_train on the first dense layer, c = 3.5 in Gal et al.'s code)"),
  warmStart: booleanFlag("warm_start", "start each round from the previous round's weights (default: fresh seeded weights)")
}

/** The query strategy and what its scores cost. */
export const strategyFlags = {
  strategy: validatedFlag(
    "strategy_name",
    "query strategy (DalMax's class names accepted; a weighted combination of scored ones as entropy*0.7+bald*0.3)",
    [...strategyNames(), "a weighted combination such as entropy*0.7+bald*0.3"],
    (text) => {
      const found = findStrategy(text)
      // a catalogue name keeps its canonical spelling; a combination keeps the text it was given
      return found === undefined ? undefined : /[+*]/.test(text) ? text : found.name
    },
    { shown: specDefaults.strategy }
  ),
  mcSamples: integerFlag("mc_samples", "MC-dropout passes T per round for MC strategies (bald, batchbald, …)", { min: 1, shown: 20 }),
  poolSubset: integerFlag("pool_subset", "score a seeded random subset of this many unlabelled examples per round (default: all)", { min: 1 })
}

/** The seed of every random choice. */
export const seedFlags = {
  seed: integerFlag("seed", "seed for every random choice", { max: 2 ** 32 - 1, shown: specDefaults.seed })
}

/** The rounds of a run: its initial set, query size and budget. */
export const roundFlags = {
  nInitLabeled: integerFlag("n_init_labeled", "labels before the first round", { shown: specDefaults.nInitLabeled }),
  initialSelection: choiceFlag(
    "initial",
    "how the initial labels are drawn: at random, class-balanced (reads the labels, as the papers' seed sets), or label-free from the features (a backbone's embeddings when one is set) by typiclust, probcover or kmeans",
    initialSelections,
    { shown: specDefaults.initialSelection }
  ),
  nQuery: integerFlag("n_query", "labels queried per round", { min: 1, shown: specDefaults.nQuery }),
  nRound: integerFlag("n_round", "acquisition rounds after round 0", { shown: specDefaults.nRound }),
  stopping: listFlag("stopping", `extra stopping criteria (${stoppingNames.join(", ")})`, "max-labels=1000")
}
