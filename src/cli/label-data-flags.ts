/**
 * The flags `deal label` and `deal serve --label-studio` share: the data to label and how its
 * models learn (the `LabelDataSpec`), the tfjs backend, and what both servers need of the host.
 */
import type { Options } from "@effect/cli"
import { Console, Effect, Layer, Option, type Scope } from "effect"
import { backboneForms } from "../backbones/catalogue.js"
import type { LabelDataSpec } from "../label/label-data.js"
import { Progress } from "../runtime/progress.js"
import { SpecError } from "../run/spec.js"
import { Backend, type BackendError, type BackendPreference, backendPreferences } from "../runtime/backend.js"
import { choiceFlag, integerFlag, numberFlag, textFlag } from "./flags.js"

export const labelDataFlags = {
  dataset: textFlag("dataset_name", "the data to label: folder:PATH (images under PATH/unlabeled/, an optional labelled PATH/test/<class>/), or csv:/jsonl:PATH without a label column"),
  classes: textFlag("classes", "the classes, comma-separated, in the order of their keys (default: the test folders')"),
  strategy: textFlag("strategy_name", "the query strategy (default entropy; see deal strategies)"),
  model: textFlag("model", "the model retrained on the labels (default: mlp)"),
  backbone: textFlag("backbone", `embed every item with a frozen pretrained backbone, and train the model on the embeddings (as deal run --backbone): ${backboneForms.map(([f]) => f).join(", ")}`),
  text: textFlag("text", "csv/jsonl: the text column to show and learn from"),
  features: textFlag("features", "csv/jsonl: numeric feature columns, comma-separated"),
  imgSize: integerFlag("img_size", "resize images to N×N for the model", { min: 1 }),
  epochs: integerFlag("epochs", "training epochs per model (default: the model's)", { min: 1 }),
  batchSize: integerFlag("batch_size", "minibatch size (default: the model's)", { min: 1 }),
  lr: numberFlag("lr", "learning rate (default: the model's)"),
  seed: integerFlag("seed", "seeds the first random order and the training", { default: 1 }),
  backend: choiceFlag("backend", "tfjs backend", backendPreferences, "auto")
}

/** What the flags parse to. */
type FlagValues = { readonly [K in keyof typeof labelDataFlags]: (typeof labelDataFlags)[K] extends Options.Options<infer A> ? A : never }

const commaList = (text: string) => text.split(",").map((s) => s.trim()).filter((s) => s !== "")
const given = <K extends string, A>(key: K, value: Option.Option<A>) => Option.match(value, { onNone: () => ({}), onSome: (v) => ({ [key]: v }) as { [P in K]: A } })

/** The spec the flags give; `example` shows a --dataset_name when there is none. */
export const labelDataSpec = (
  o: FlagValues,
  example: string
): Effect.Effect<LabelDataSpec, SpecError> =>
  Option.match(o.dataset, {
    onNone: () => Effect.fail(new SpecError({ message: `--dataset_name: expected the data to label, e.g. ${example}` })),
    onSome: (dataset) =>
      Effect.succeed({
        dataset,
        strategy: Option.getOrElse(o.strategy, () => "entropy"),
        seed: Option.getOrElse(o.seed, () => 1),
        ...given("classes", Option.map(o.classes, commaList)),
        ...given("features", Option.map(o.features, commaList)),
        ...given("text", o.text),
        ...given("model", o.model),
        ...given("backbone", o.backbone),
        ...given("imgSize", o.imgSize),
        ...given("epochs", o.epochs),
        ...given("batchSize", o.batchSize),
        ...given("learningRate", o.lr)
      })
  })

export const loopback = (host: string) => host === "127.0.0.1" || host === "localhost" || host === "::1"

/**
 * Runs a server command: `start` starts the server in a scope and gives the line to print (its
 * URL); the server then serves until the command is stopped (Ctrl-C), with the chosen tfjs
 * backend and progress bars on the terminal (loading, embedding).
 */
export const serveUntilStopped =
  (backend: Option.Option<string>) =>
  <E>(start: Effect.Effect<string, E, Backend | Progress | Scope.Scope>): Effect.Effect<never, E | BackendError> =>
    start.pipe(
      Effect.flatMap(Console.log),
      Effect.zipRight(Effect.never),
      Effect.scoped,
      Effect.provide(Layer.merge(Backend.layer(Option.getOrElse(backend, () => "auto") as BackendPreference), Progress.terminal()))
    )
