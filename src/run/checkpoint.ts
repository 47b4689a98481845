import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { Effect, Either, Schema } from "effect"
import { DataError } from "../data/errors.js"
import { decodeQueried, EncodedQueried, encodeQueried } from "../stopping/observation-codec.js"
import type { QueriedObservation } from "../stopping/criterion.js"
import type { LoopCheckpoint } from "../loop/events.js"

/** `checkpoint.json`: the pool after round `round` (written last, so it names a complete round). */
export const CheckpointFile = Schema.Struct({
  round: Schema.Int,
  finished: Schema.Boolean,
  labeled: Schema.Array(Schema.Int),
  labels: Schema.Array(Schema.Int),
  queried: Schema.optional(EncodedQueried),
  /** The round's model, relative to the run directory. */
  model: Schema.String
})
export type CheckpointFile = typeof CheckpointFile.Type

export const modelDir = (round: number): string => `models/round-${String(round).padStart(4, "0")}`

export const encodeCheckpoint = (c: LoopCheckpoint): CheckpointFile => ({
  round: c.round,
  finished: c.finished,
  labeled: Array.from(c.labeled),
  labels: Array.from(c.labels),
  ...(c.queried === undefined ? {} : { queried: encodeQueried(c.queried) }),
  model: modelDir(c.round)
})

export interface Checkpoint {
  readonly round: number
  readonly finished: boolean
  readonly labeled: Int32Array
  readonly labels: Int32Array
  readonly queried?: QueriedObservation
  readonly model: string
}

const decodeFile = Schema.decodeUnknownEither(Schema.parseJson(CheckpointFile))

/** Reads `RUN_DIR/checkpoint.json`; a missing or malformed file is a DataError naming it. */
export const readCheckpoint = (dir: string): Effect.Effect<Checkpoint, DataError> => {
  const file = join(dir, "checkpoint.json")
  return Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: () => new DataError({ file, message: "no checkpoint: the run has not completed a round yet" })
  }).pipe(
    Effect.flatMap((text) =>
      Either.match(decodeFile(text), {
        onLeft: (e) => Effect.fail(new DataError({ file, message: `not a deal checkpoint: ${e.message.split("\n")[0]}` })),
        onRight: (c) =>
          Effect.succeed({
            round: c.round,
            finished: c.finished,
            labeled: Int32Array.from(c.labeled),
            labels: Int32Array.from(c.labels),
            ...(c.queried === undefined ? {} : { queried: decodeQueried(c.queried) }),
            model: c.model
          })
      })
    )
  )
}
