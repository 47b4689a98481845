import { readFile } from "node:fs/promises"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { DataError } from "../data/errors.js"
import { writeFileAtomic } from "../runtime/atomic-write.js"
import type { WriteError } from "../runtime/atomic-write.js"

/**
 * The version of the run-directory format this deal writes and reads. Every JSON file of a run
 * or grid carries it as `formatVersion`; files written before the field existed are version 1.
 * Bump it when a file changes in a way an older deal would misread.
 */
export const FORMAT_VERSION = 1

/**
 * A parse error as one line, one issue per field (the first said of it; an optional field's
 * second "Expected undefined" adds nothing): `base.nRund: is unexpected; seed: Expected number, actual "x"`.
 */
export const formatIssues = (e: ParseResult.ParseError): string => {
  const byPath = new Map<string, string>()
  for (const issue of ParseResult.ArrayFormatter.formatErrorSync(e)) {
    const path = issue.path.join(".")
    if (!byPath.has(path)) byPath.set(path, issue.message.replace(/\s*\n\s*/g, " "))
  }
  return [...byPath].map(([path, message]) => `${path === "" ? "" : `${path}: `}${message}`).join("; ")
}

/** Reads a file as text; a missing or unreadable one is a DataError naming it and `missing`. */
export const readText = (file: string, missing: string): Effect.Effect<string, DataError> =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (e) =>
      new DataError({ file, message: (e as NodeJS.ErrnoException).code === "ENOENT" ? missing : `cannot read: ${(e as Error).message}` })
  })

/** Parses JSON text; a truncated or malformed file is a one-line DataError naming it. */
export const parseJson = (file: string, text: string): Effect.Effect<unknown, DataError> =>
  Either.match(
    Either.try(() => JSON.parse(text) as unknown),
    {
      onLeft: (e) =>
        Effect.fail(
          new DataError({
            file,
            reason: "bad-json",
            message: `not valid JSON (${text.trim() === "" ? "the file is empty" : (e as Error).message}): expected a file written by deal; a killed write never leaves one half-written, so it was changed by hand or truncated`
          })
        ),
      onRight: Effect.succeed
    }
  )

/** Checks `formatVersion` (absent: 1) against the version this deal reads. */
export const checkVersion = (file: string, json: unknown): Effect.Effect<void, DataError> => {
  const version = typeof json === "object" && json !== null && "formatVersion" in json ? (json as { formatVersion: unknown }).formatVersion : 1
  return version === FORMAT_VERSION
    ? Effect.void
    : Effect.fail(
        new DataError({
          file,
          reason: "bad-format",
          message:
            typeof version === "number" && version > FORMAT_VERSION
              ? `written by a newer deal (format ${version}): this deal reads format ${FORMAT_VERSION}; upgrade deal`
              : `unknown format version ${JSON.stringify(version)}: expected ${FORMAT_VERSION}`
        })
      )
}

/** Decodes `json` with `schema`; a mismatch is one line naming the file, `what` it should be and each field. */
export const decodeFile = <A, I>(file: string, schema: Schema.Schema<A, I>, what: string, json: unknown): Effect.Effect<A, DataError> =>
  Either.match(Schema.decodeUnknownEither(schema, { errors: "all" })(json), {
    onLeft: (e) => Effect.fail(new DataError({ file, reason: "bad-format", message: `not ${what}: ${formatIssues(e)}` })),
    onRight: Effect.succeed
  })

/**
 * Reads a versioned JSON file of a run or grid: missing (`missing` says what that means), not
 * JSON, a newer format, or a field that does not fit `schema` are each one line naming the file.
 */
export const readJsonFile = <A, I>(
  file: string,
  schema: Schema.Schema<A, I>,
  what: string,
  missing: string
): Effect.Effect<A, DataError> =>
  readText(file, missing).pipe(
    Effect.flatMap((text) => parseJson(file, text)),
    Effect.tap((json) => checkVersion(file, json)),
    Effect.flatMap((json) => decodeFile(file, schema, what, stripVersion(json)))
  )

const stripVersion = (json: unknown): unknown => {
  if (typeof json !== "object" || json === null || !("formatVersion" in json)) return json
  const { formatVersion: _v, ...rest } = json as Record<string, unknown>
  return rest
}

/** Writes `value` encoded by `schema`, with `formatVersion` first, atomically; `compact` on one line. */
export const writeJsonFile = <A, I>(
  file: string,
  schema: Schema.Schema<A, I>,
  value: A,
  options: { readonly compact?: boolean } = {}
): Effect.Effect<void, WriteError> =>
  Effect.suspend(() =>
    writeFileAtomic(
      file,
      JSON.stringify({ formatVersion: FORMAT_VERSION, ...(Schema.encodeSync(schema)(value) as object) }, null, options.compact ? undefined : 2) + "\n"
    )
  )
