import { randomBytes } from "node:crypto"
import { Command } from "@effect/cli"
import { Console, Effect, Layer, Option } from "effect"
import { backboneForms } from "../backbones/catalogue.js"
import { startLabelRun } from "../label/label-run.js"
import { Progress } from "../loop/progress.js"
import { type LabelSpec, readLabelSpec } from "../run/label-spec.js"
import { SpecError } from "../run/spec.js"
import { Backend, type BackendPreference, backendPreferences } from "../runtime/backend.js"
import { choiceFlag, integerFlag, numberFlag, textFlag } from "./flags.js"

const options = {
  dataset: textFlag("dataset_name", "data to label: folder:PATH (images under PATH/unlabeled/, an optional labelled PATH/test/<class>/), or csv:/jsonl:PATH without a label column"),
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
  retrainEvery: integerFlag("retrain_every", "labels between two retrainings", { min: 1, default: 10 }),
  out: textFlag("out", "the run directory (default runs/label)"),
  resume: textFlag("resume", "go on labelling the run in this directory (its label spec and answers)"),
  host: textFlag("host", "the address to listen on (default 127.0.0.1; any other needs the token the URL carries)"),
  port: integerFlag("port", "the port (0: any free one)", { min: 0, max: 65535, default: 7733 }),
  token: textFlag("token", "the token every request must carry (default: none on 127.0.0.1, a random one on any other host)"),
  backend: choiceFlag("backend", "tfjs backend", backendPreferences, "auto")
}

const loopback = (host: string) => host === "127.0.0.1" || host === "localhost" || host === "::1"

/** `deal label`: a labelling web app driven by active learning. */
export const labelCommand = Command.make("label", options, (o) =>
  Effect.gen(function* () {
    const list = (text: Option.Option<string>) => Option.map(text, (t) => t.split(",").map((s) => s.trim()).filter((s) => s !== ""))
    let dir: string
    let spec: LabelSpec
    if (Option.isSome(o.resume)) {
      dir = o.resume.value
      spec = yield* readLabelSpec(dir)
    } else {
      if (Option.isNone(o.dataset)) return yield* new SpecError({ message: "--dataset_name: expected the data to label, e.g. folder:data/pets or jsonl:mail.jsonl (or --resume DIR)" })
      dir = Option.getOrElse(o.out, () => "runs/label")
      const classes = Option.getOrUndefined(list(o.classes))
      const features = Option.getOrUndefined(list(o.features))
      spec = {
        dataset: o.dataset.value,
        strategy: Option.getOrElse(o.strategy, () => "entropy"),
        seed: Option.getOrElse(o.seed, () => 1),
        retrainEvery: Option.getOrElse(o.retrainEvery, () => 10),
        ...(classes === undefined ? {} : { classes }),
        ...(features === undefined ? {} : { features }),
        ...Option.match(o.model, { onNone: () => ({}), onSome: (model) => ({ model }) }),
        ...Option.match(o.backbone, { onNone: () => ({}), onSome: (backbone) => ({ backbone }) }),
        ...Option.match(o.text, { onNone: () => ({}), onSome: (text) => ({ text }) }),
        ...Option.match(o.imgSize, { onNone: () => ({}), onSome: (imgSize) => ({ imgSize }) }),
        ...Option.match(o.epochs, { onNone: () => ({}), onSome: (epochs) => ({ epochs }) }),
        ...Option.match(o.batchSize, { onNone: () => ({}), onSome: (batchSize) => ({ batchSize }) }),
        ...Option.match(o.lr, { onNone: () => ({}), onSome: (learningRate) => ({ learningRate }) })
      }
    }
    const host = Option.getOrElse(o.host, () => "127.0.0.1")
    const token = Option.getOrElse(o.token, () => (loopback(host) ? undefined : randomBytes(16).toString("hex")))
    const { url } = yield* startLabelRun(spec, {
      dir,
      resume: Option.isSome(o.resume),
      host,
      port: Option.getOrElse(o.port, () => 7733),
      ...(token === undefined ? {} : { token }),
      log: (line) => Effect.runSync(Console.error(`deal label: ${line}`))
    })
    yield* Console.log(`deal label: labelling ${spec.dataset} at ${url} (run directory ${dir}; Ctrl-C stops; deal label --resume ${dir} goes on)`)
    return yield* Effect.never
  }).pipe(
    Effect.scoped,
    Effect.provide(Layer.merge(Backend.layer(Option.getOrElse(o.backend, () => "auto") as BackendPreference), Progress.terminal()))
  )
).pipe(
  Command.withDescription(
    "Label data with active learning in the browser: a page shows the items the latest model chooses, a key per class; every answer is on disk before the page is told it was saved, and models retrain in the background every --retrain_every labels."
  )
)
