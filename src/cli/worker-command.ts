import { availableParallelism } from "node:os"
import { join, resolve } from "node:path"
import { Command } from "@effect/cli"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { backendFlags } from "./backend-flags.js"
import { integerFlag, requiredTextFlag, textFlag } from "./flags.js"
import { lineLogger } from "./line-logger.js"

/** Where `deal worker` runs the cells of grids without a shared directory, by default. */
const defaultWork = join("runs", "worker")

export const options = {
  queue: requiredTextFlag("queue", "the Redis the grids were submitted to (deal experiment SPEC --queue redis://HOST:PORT)"),
  parallel: integerFlag("parallel", "cells at a time, each on its own worker thread", { min: 1, default: 1 }),
  work: textFlag("work", "where to run the cells of grids submitted without --shared", { default: defaultWork }),
  stallSeconds: integerFlag("stall_seconds", "a cell whose worker has not renewed its hold for this long (killed, cut off) goes back to the queue", {
    min: 1,
    default: 30
  }),
  ...backendFlags
}

/** `deal worker --queue URL`: takes grid cells from a Redis queue until stopped. */
export const workerCommand = Command.make("worker", options, (o) =>
  Effect.gen(function* () {
    const { parseQueueUrl } = yield* Effect.promise(() => import("../grid/queue.js"))
    const url = yield* parseQueueUrl(o.queue)
    const { serveQueue } = yield* Effect.promise(() => import("../grid/queue-worker.js"))
    yield* serveQueue({
      url,
      parallel: o.parallel,
      work: resolve(o.work),
      stallSeconds: o.stallSeconds,
      backend: o.backend,
      threads: Option.getOrElse(o.threads, () => availableParallelism())
    }).pipe(Effect.provide(lineLogger("", "stdout")))
  })
).pipe(
  Command.withDescription(
    "Take cells of grids submitted with deal experiment SPEC --queue redis://HOST:PORT and run them, --parallel at a time, until stopped (Ctrl-C or SIGTERM hands the running cells back to the queue); " +
      "a cell whose worker was killed is resumed by another from its last complete round."
  )
)
