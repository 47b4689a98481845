/**
 * The flags `deal label` and `deal serve --label-studio` share: the data to label and how its
 * models learn (the same data, model and strategy flags as `deal run`, and the classes), the tfjs
 * backend, and the address to listen on.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { type LabelDataSpec, LabelDataSpec as LabelDataSpecSchema } from "../run/label-spec.js"
import { SpecError } from "../run/spec.js"
import { formatIssues } from "../run/json-file.js"
import type { Backend, BackendError } from "../runtime/backend.js"
import { Progress } from "../runtime/progress.js"
import { backendFlags, backendLayer } from "./backend-flags.js"
import { givenFields, integerFlag, listFlag, textFlag } from "./flags.js"
import { lineLogger } from "./line-logger.js"
import { dataFlags, modelFlags, seedFlags, strategyFlags } from "./spec-flags.js"

export const labelDataFlags = {
  ...dataFlags,
  classes: listFlag("classes", "the classes, in the order of their keys (default: the test folders')", "cat,dog"),
  ...modelFlags,
  ...strategyFlags,
  ...seedFlags,
  ...backendFlags
}

/** The address a server listens on; `port` is its default port. */
export const serverFlags = (port: number, hostNote: string) => ({
  host: textFlag("host", `the address to listen on (${hostNote})`, { default: "127.0.0.1" }),
  port: integerFlag("port", "the port (0: any free one)", { min: 0, max: 65535, default: port })
})

/** The spec the flags give; `example` shows a --dataset_name when there is none. */
export const labelDataSpec = (o: Readonly<Record<keyof typeof labelDataFlags, unknown>>, example: string): Effect.Effect<LabelDataSpec, SpecError> => {
  const { backend: _backend, threads: _threads, ...given } = givenFields(o)
  return given.dataset === undefined
    ? Effect.fail(new SpecError({ message: `--dataset_name: expected the data to label, e.g. ${example}` }))
    : Schema.decodeUnknown(LabelDataSpecSchema)(given).pipe(Effect.mapError((e) => new SpecError({ message: formatIssues(e) })))
}

export const loopback = (host: string) => host === "127.0.0.1" || host === "localhost" || host === "::1"

/**
 * Runs a server command: `start` starts the server in a scope and gives the line to print (its
 * URL); the server then serves until the command is stopped (Ctrl-C), with the chosen tfjs
 * backend, progress bars on the terminal (loading, embedding) and what the server logs as
 * `PREFIX: line` on stderr.
 */
export const serveUntilStopped =
  (o: Parameters<typeof backendLayer>[0], prefix: string) =>
  <E>(start: Effect.Effect<string, E, Backend | Progress | Scope.Scope>): Effect.Effect<never, E | BackendError> =>
    start.pipe(
      Effect.flatMap(Console.log),
      Effect.zipRight(Effect.never),
      Effect.scoped,
      Effect.provide(Layer.mergeAll(backendLayer(o), Progress.terminal(), lineLogger(prefix)))
    )
