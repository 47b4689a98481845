import { Command, Options } from "@effect/cli"
import { Console, Effect, Layer, Option } from "effect"
import { backboneForms } from "../backbones/catalogue.js"
import { startLabelStudioBackend } from "../label/label-studio-server.js"
import type { LabelDataSpec } from "../label/label-data.js"
import { Progress } from "../loop/progress.js"
import { SpecError } from "../run/spec.js"
import { Backend, type BackendPreference, backendPreferences } from "../runtime/backend.js"
import { choiceFlag, integerFlag, numberFlag, textFlag } from "./flags.js"

const options = {
  labelStudio: Options.boolean("label-studio").pipe(
    Options.withAlias("label_studio"),
    Options.withDescription("serve a Label Studio ML backend (the one server deal serve has)")
  ),
  dataset: textFlag("dataset_name", "the data imported into Label Studio: folder:PATH (images under PATH/unlabeled/, an optional labelled PATH/test/<class>/), or csv:/jsonl:PATH without a label column"),
  classes: textFlag("classes", "the classes, comma-separated: the labelling config's <Choice> values (default: the test folders')"),
  text: textFlag("text", "csv/jsonl: the text column (the task's $text)"),
  features: textFlag("features", "csv/jsonl: numeric feature columns, comma-separated (tasks matched by data.id)"),
  strategy: textFlag("strategy_name", "the query strategy that ranks the tasks (default entropy; see deal strategies)"),
  model: textFlag("model", "the model retrained on the annotations (default: mlp)"),
  backbone: textFlag("backbone", `embed every item with a frozen pretrained backbone, and train the model on the embeddings (as deal run --backbone): ${backboneForms.map(([f]) => f).join(", ")}`),
  imgSize: integerFlag("img_size", "resize images to N×N for the model", { min: 1 }),
  epochs: integerFlag("epochs", "training epochs per retraining (default: the model's)", { min: 1 }),
  batchSize: integerFlag("batch_size", "minibatch size (default: the model's)", { min: 1 }),
  lr: numberFlag("lr", "learning rate (default: the model's)"),
  seed: integerFlag("seed", "seeds the first order and the training", { default: 1 }),
  host: textFlag("host", "the address to listen on (default 127.0.0.1; any other needs --basic_auth)"),
  port: integerFlag("port", "the port (0: any free one)", { min: 0, max: 65535, default: 9090 }),
  basicAuth: textFlag("basic_auth", "USER:PASSWORD every request must carry (HTTP basic authentication; Label Studio: the model's Basic Authentication settings)"),
  backend: choiceFlag("backend", "tfjs backend", backendPreferences, "auto")
}

const loopback = (host: string) => host === "127.0.0.1" || host === "localhost" || host === "::1"
const commaList = (text: string) => text.split(",").map((s) => s.trim()).filter((s) => s !== "")

/** `deal serve --label-studio`: a Label Studio ML backend driven by active learning. */
export const serveCommand = Command.make("serve", options, (o) =>
  Effect.gen(function* () {
    if (!o.labelStudio) return yield* new SpecError({ message: "deal serve: expected --label-studio (a Label Studio ML backend, the one server deal serve has)" })
    if (Option.isNone(o.dataset)) return yield* new SpecError({ message: "--dataset_name: expected the data imported into Label Studio, e.g. jsonl:mail.jsonl or folder:data/pets" })
    const auth = Option.map(o.basicAuth, (text) => ({ at: text.indexOf(":"), text }))
    if (Option.isSome(auth) && auth.value.at <= 0) return yield* new SpecError({ message: `--basic_auth: expected USER:PASSWORD, got '${auth.value.text}'` })
    const basicAuth = Option.getOrUndefined(Option.map(auth, ({ at, text }) => ({ user: text.slice(0, at), password: text.slice(at + 1) })))
    const host = Option.getOrElse(o.host, () => "127.0.0.1")
    if (!loopback(host) && basicAuth === undefined) {
      return yield* new SpecError({ message: `--host ${host}: listening beyond this machine needs --basic_auth USER:PASSWORD (and the same in Label Studio's model settings)` })
    }
    const given = <K extends string, A>(key: K, value: Option.Option<A>) => Option.match(value, { onNone: () => ({}), onSome: (v) => ({ [key]: v }) as { [P in K]: A } })
    const spec: LabelDataSpec = {
      dataset: o.dataset.value,
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
    }
    const env = (name: string) => (process.env[name] ?? "") === "" ? {} : { [name === "LABEL_STUDIO_URL" ? "url" : "token"]: process.env[name]! }
    const { url } = yield* startLabelStudioBackend(spec, {
      host,
      port: Option.getOrElse(o.port, () => 9090),
      ...(basicAuth === undefined ? {} : { basicAuth }),
      labelStudio: { ...env("LABEL_STUDIO_URL"), ...env("LABEL_STUDIO_API_KEY") },
      log: (line) => Effect.runSync(Console.error(`deal serve: ${line}`))
    })
    yield* Console.log(`deal serve: a Label Studio ML backend for ${spec.dataset} at ${url} (Label Studio: Settings → Model → Connect model, this URL; Ctrl-C stops)`)
    return yield* Effect.never
  }).pipe(
    Effect.scoped,
    Effect.provide(Layer.merge(Backend.layer(Option.getOrElse(o.backend, () => "auto") as BackendPreference), Progress.terminal()))
  )
).pipe(
  Command.withDescription(
    "Serve a Label Studio ML backend: Label Studio gets each task's predicted class and a score that sorts the most informative task first (sort by prediction score, ascending), and the model retrains on the project's annotations when Label Studio sends a training event (annotation created, updated or deleted; Start Training)."
  )
)
