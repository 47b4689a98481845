import { Command } from "@effect/cli"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { SpecError } from "../run/spec.js"
import { booleanFlag, textFlag } from "./flags.js"
import { labelDataFlags, labelDataSpec, loopback, serveUntilStopped, serverFlags } from "./server-flags.js"

export const serveFlags = {
  labelStudio: booleanFlag("label-studio", "serve a Label Studio ML backend (the one server deal serve has)"),
  ...labelDataFlags,
  ...serverFlags(9090, "any address but this machine's needs --basic_auth"),
  basicAuth: textFlag("basic_auth", "USER:PASSWORD every request must carry (HTTP basic authentication; Label Studio: the model's Basic Authentication settings)")
}

/** `deal serve --label-studio`: a Label Studio ML backend driven by active learning. */
export const serveCommand = Command.make("serve", serveFlags, (o) =>
  Effect.gen(function* () {
    if (!o.labelStudio) return yield* new SpecError({ message: "deal serve: expected --label-studio (a Label Studio ML backend, the one server deal serve has)" })
    const auth = Option.map(o.basicAuth, (text) => ({ at: text.indexOf(":"), text }))
    if (Option.isSome(auth) && auth.value.at <= 0) return yield* new SpecError({ message: `--basic_auth: expected USER:PASSWORD, got '${auth.value.text}'` })
    const basicAuth = Option.getOrUndefined(Option.map(auth, ({ at, text }) => ({ user: text.slice(0, at), password: text.slice(at + 1) })))
    const host = o.host
    if (!loopback(host) && basicAuth === undefined) {
      return yield* new SpecError({ message: `--host ${host}: listening beyond this machine needs --basic_auth USER:PASSWORD (and the same in Label Studio's model settings)` })
    }
    const spec = yield* labelDataSpec(o, "the data imported into Label Studio: jsonl:mail.jsonl or folder:data/pets")
    const env = (name: string) => (process.env[name] ?? "") === "" ? {} : { [name === "LABEL_STUDIO_URL" ? "url" : "token"]: process.env[name]! }
    const { startLabelStudioBackend } = yield* Effect.promise(() => import("../label/label-studio-server.js"))
    const { url } = yield* startLabelStudioBackend(spec, {
      host,
      port: o.port,
      ...(basicAuth === undefined ? {} : { basicAuth }),
      labelStudio: { ...env("LABEL_STUDIO_URL"), ...env("LABEL_STUDIO_API_KEY") },
    })
    return `deal serve: a Label Studio ML backend for ${spec.dataset} at ${url} (Label Studio: Settings → Model → Connect model, this URL; Ctrl-C stops)`
  }).pipe(serveUntilStopped(o, "deal serve"))
).pipe(
  Command.withDescription(
    "Serve a Label Studio ML backend: Label Studio gets each task's predicted class and a score that sorts the most informative task first (sort by prediction score, ascending), and the model retrains on the project's annotations when Label Studio sends a training event (annotation created, updated or deleted; Start Training)."
  )
)
