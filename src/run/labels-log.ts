import { open, readFile, truncate } from "node:fs/promises"
import { join } from "node:path"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { DataError } from "../data/errors.js"
import { type AnswerEntry, type Answer, isAnswer, lastUndoable, LogEntry, type UndoEntry } from "./answers.js"
import { formatIssues } from "./json-file.js"
import { runFile } from "./run-files.js"

/** The labels log could not be written: the answer was not recorded. */
export class LabelsLogError extends Data.TaggedError("LabelsLogError")<{ readonly file: string; readonly message: string }> {}

/**
 * The labels log of a run people label (`DIR/labels.jsonl`): every answer and undo, one JSON
 * line each, appended and flushed to disk (`fdatasync`) before the call returns, so an answer
 * acknowledged to the page survives the server killed at any moment after. Appends are
 * serialized (two tabs, two annotators: one line after the other, never interleaved); the same
 * request id sent again returns the entry recorded for it, so a retried request is recorded once.
 */
export interface LabelsLog {
  readonly file: string
  /** Every entry, in log order. */
  readonly entries: Effect.Effect<ReadonlyArray<LogEntry>>
  /** Records an answer; `repeated` when this request was recorded before (nothing is written). */
  readonly answer: (a: {
    readonly request: string
    readonly item: string
    readonly answer: Answer
    readonly annotator?: string
  }) => Effect.Effect<{ readonly entry: AnswerEntry; readonly repeated: boolean }, LabelsLogError>
  /**
   * Undoes the annotator's latest standing answer (anyone's, when no name is given), by
   * appending an undo entry; none to undo: undefined.
   */
  readonly undo: (u: { readonly request: string; readonly annotator?: string }) => Effect.Effect<
    { readonly entry: UndoEntry; readonly undone: AnswerEntry; readonly repeated: boolean } | undefined,
    LabelsLogError
  >
}

/**
 * The log's complete lines and the byte length they take. A crash can leave only a torn last
 * line (an append is one write, acknowledged after it was flushed): it was never acknowledged,
 * and is cut off. A complete line that is not an entry, or out of sequence, was written by
 * something else: refused, naming its line.
 */
export const readLabelsLog = (file: string): Effect.Effect<{ readonly entries: Array<LogEntry>; readonly bytes: number; readonly torn: boolean }, DataError> =>
  Effect.gen(function* () {
    const text = yield* Effect.tryPromise({
      try: () => readFile(file, "utf8"),
      catch: (e) => e as NodeJS.ErrnoException
    }).pipe(
      Effect.catchAll((e) => (e.code === "ENOENT" ? Effect.succeed("") : Effect.fail(new DataError({ file, message: `cannot read: ${e.message}`, reason: "unreadable" }))))
    )
    const complete = text.slice(0, text.lastIndexOf("\n") + 1)
    const lines = complete === "" ? [] : complete.slice(0, -1).split("\n")
    const entries: Array<LogEntry> = []
    for (const [i, line] of lines.entries()) {
      const where = `line ${i + 1}`
      const parsed = Either.try(() => JSON.parse(line) as unknown)
      if (Either.isLeft(parsed)) return yield* new DataError({ file, reason: "bad-json", message: `${where}: not JSON: expected one answer or undo per line, as deal label writes them` })
      const entry = Schema.decodeUnknownEither(LogEntry)(parsed.right)
      if (Either.isLeft(entry)) return yield* new DataError({ file, reason: "bad-format", message: `${where}: ${formatIssues(entry.left)}` })
      if (entry.right.seq !== i + 1) return yield* new DataError({ file, reason: "bad-format", message: `${where}: seq ${entry.right.seq}, expected ${i + 1} (entries are numbered from 1 in order)` })
      entries.push(entry.right)
    }
    return { entries, bytes: Buffer.byteLength(complete), torn: complete.length < text.length }
  })

/** Opens (or creates) the labels log of the run in `dir` for the scope, cutting off a torn last line. */
export const openLabelsLog = (dir: string): Effect.Effect<LabelsLog, DataError | LabelsLogError, Scope.Scope> =>
  Effect.gen(function* () {
    const file = join(dir, runFile.labels)
    const failed = (e: unknown) => new LabelsLogError({ file, message: `cannot write the answer: ${(e as Error).message}` })
    const read = yield* readLabelsLog(file)
    if (read.torn) yield* Effect.tryPromise({ try: () => truncate(file, read.bytes), catch: failed })
    const entries = read.entries
    let bytes = read.bytes
    const byRequest = new Map(entries.map((e) => [e.request, e]))
    const handle = yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => open(file, "a"), catch: failed }),
      (h) => Effect.promise(() => h.close())
    )
    const lock = yield* Effect.makeSemaphore(1)

    /** Appends one entry and flushes it; a failed write is cut off again, so the log stays whole. */
    const append = <E extends LogEntry>(make: (seq: number, at: string) => E) =>
      Effect.gen(function* () {
        const entry = make(entries.length + 1, new Date().toISOString())
        const line = `${JSON.stringify(entry)}\n`
        yield* Effect.tryPromise({
          try: async () => {
            try {
              await handle.write(line)
              await handle.datasync()
            } catch (e) {
              await handle.truncate(bytes).catch(() => undefined)
              throw e
            }
          },
          catch: failed
        })
        bytes += Buffer.byteLength(line)
        entries.push(entry)
        byRequest.set(entry.request, entry)
        return entry
      })

    const log: LabelsLog = {
      file,
      entries: Effect.sync(() => [...entries]),
      answer: (a) =>
        lock.withPermits(1)(
          Effect.gen(function* () {
            const before = byRequest.get(a.request)
            if (before !== undefined && isAnswer(before)) return { entry: before, repeated: true }
            const entry = yield* append(
              (seq, at): AnswerEntry => ({ seq, at, request: a.request, ...(a.annotator === undefined ? {} : { annotator: a.annotator }), item: a.item, answer: a.answer })
            )
            return { entry, repeated: false }
          })
        ),
      undo: (u) =>
        lock.withPermits(1)(
          Effect.gen(function* () {
            const before = byRequest.get(u.request)
            if (before !== undefined && !isAnswer(before)) return { entry: before, undone: entries[before.undo - 1] as AnswerEntry, repeated: true }
            const target = lastUndoable(entries, u.annotator)
            if (target === undefined) return undefined
            const entry = yield* append(
              (seq, at): UndoEntry => ({ seq, at, request: u.request, ...(u.annotator === undefined ? {} : { annotator: u.annotator }), undo: target.seq })
            )
            return { entry, undone: target, repeated: false }
          })
        )
    }
    return log
  })
