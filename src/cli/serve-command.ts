import { Command, Options } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import { startLabelStudioBackend } from "../label/label-studio-server.js"
import { SpecError } from "../run/spec.js"
import { integerFlag, textFlag } from "./flags.js"
import { labelDataFlags, labelDataSpec, loopback, serveUntilStopped } from "./label-data-flags.js"

const options = {
  labelStudio: Options.boolean("label-studio").pipe(
    Options.withAlias("label_studio"),
    Options.withDescription("serve a Label Studio ML backend (the one server deal serve has)")
  ),
  ...labelDataFlags,
  host: textFlag("host", "the address to listen on (default 127.0.0.1; any other needs --basic_auth)"),
  port: integerFlag("port", "the port (0: any free one)", { min: 0, max: 65535, default: 9090 }),
  basicAuth: textFlag("basic_auth", "USER:PASSWORD every request must carry (HTTP basic authentication; Label Studio: the model's Basic Authentication settings)")
}

/** `deal serve --label-studio`: a Label Studio ML backend driven by active learning. */
export const serveCommand = Command.make("serve", options, (o) =>
  Effect.gen(function* () {
    if (!o.labelStudio) return yield* new SpecError({ message: "deal serve: expected --label-studio (a Label Studio ML backend, the one server deal serve has)" })
    const auth = Option.map(o.basicAuth, (text) => ({ at: text.indexOf(":"), text }))
    if (Option.isSome(auth) && auth.value.at <= 0) return yield* new SpecError({ message: `--basic_auth: expected USER:PASSWORD, got '${auth.value.text}'` })
    const basicAuth = Option.getOrUndefined(Option.map(auth, ({ at, text }) => ({ user: text.slice(0, at), password: text.slice(at + 1) })))
    const host = Option.getOrElse(o.host, () => "127.0.0.1")
    if (!loopback(host) && basicAuth === undefined) {
      return yield* new SpecError({ message: `--host ${host}: listening beyond this machine needs --basic_auth USER:PASSWORD (and the same in Label Studio's model settings)` })
    }
    const spec = yield* labelDataSpec(o, "the data imported into Label Studio: jsonl:mail.jsonl or folder:data/pets")
    const env = (name: string) => (process.env[name] ?? "") === "" ? {} : { [name === "LABEL_STUDIO_URL" ? "url" : "token"]: process.env[name]! }
    const { url } = yield* startLabelStudioBackend(spec, {
      host,
      port: Option.getOrElse(o.port, () => 9090),
      ...(basicAuth === undefined ? {} : { basicAuth }),
      labelStudio: { ...env("LABEL_STUDIO_URL"), ...env("LABEL_STUDIO_API_KEY") },
      log: (line) => Effect.runSync(Console.error(`deal serve: ${line}`))
    })
    return `deal serve: a Label Studio ML backend for ${spec.dataset} at ${url} (Label Studio: Settings → Model → Connect model, this URL; Ctrl-C stops)`
  }).pipe(serveUntilStopped(o.backend))
).pipe(
  Command.withDescription(
    "Serve a Label Studio ML backend: Label Studio gets each task's predicted class and a score that sorts the most informative task first (sort by prediction score, ascending), and the model retrains on the project's annotations when Label Studio sends a training event (annotation created, updated or deleted; Start Training)."
  )
)
