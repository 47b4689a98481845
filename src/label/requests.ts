/**
 * What the labelling server checks of every request before it acts on one: the token (when the
 * server listens beyond loopback), and a JSON body no larger than a limit that decodes as its
 * Schema. A request that fails a check gets a 4xx status with a one-line reason, and changes
 * nothing.
 */
import { timingSafeEqual } from "node:crypto"
import type { IncomingMessage } from "node:http"
import { Data, Effect, Either, Schema } from "effect"
import { formatIssues } from "../run/json-file.js"

/** A request refused: its status (4xx) and a one-line reason. */
export class Refused extends Data.TaggedError("Refused")<{ readonly status: number; readonly message: string }> {}

/** The largest JSON body the server reads, by default: answers are a few hundred bytes. */
export const defaultBodyLimit = 64 * 1024

/**
 * Whether the request carries `token`: as `Authorization: Bearer TOKEN`, or `?token=TOKEN` (the
 * URL the server prints, for a browser). Compared in constant time.
 */
export const hasToken = (req: Pick<IncomingMessage, "headers" | "url">, token: string): boolean => {
  const header = req.headers.authorization
  const given = header?.startsWith("Bearer ") ? header.slice(7) : new URL(req.url ?? "/", "http://x").searchParams.get("token")
  if (given === null || given === undefined) return false
  const [a, b] = [Buffer.from(given), Buffer.from(token)]
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * The request's body as `schema`: at most `limit` bytes (413 beyond, the rest unread), declared
 * `application/json` (415 otherwise), valid JSON and valid for the schema (400, naming the field).
 */
export const readJsonBody = <A, I>(req: IncomingMessage, schema: Schema.Schema<A, I>, limit = defaultBodyLimit): Effect.Effect<A, Refused> =>
  Effect.gen(function* () {
    const type = req.headers["content-type"]?.split(";")[0].trim().toLowerCase()
    if (type !== "application/json") return yield* new Refused({ status: 415, message: `expected a JSON body (Content-Type: application/json), got ${type ?? "none"}` })
    const declared = Number(req.headers["content-length"] ?? Number.NaN)
    if (declared > limit) return yield* new Refused({ status: 413, message: `the body is ${declared} bytes: expected at most ${limit}` })
    const text = yield* Effect.async<string, Refused>((resume) => {
      const chunks: Array<Buffer> = []
      let bytes = 0
      const onData = (chunk: Buffer) => {
        bytes += chunk.length
        if (bytes > limit) {
          req.off("data", onData)
          req.resume()
          resume(Effect.fail(new Refused({ status: 413, message: `the body is over ${limit} bytes: expected at most ${limit}` })))
        } else chunks.push(chunk)
      }
      req.on("data", onData)
      req.once("end", () => bytes <= limit && resume(Effect.succeed(Buffer.concat(chunks).toString("utf8"))))
      req.once("error", (e) => resume(Effect.fail(new Refused({ status: 400, message: `the body could not be read: ${e.message}` }))))
    })
    const json = Either.try(() => JSON.parse(text) as unknown)
    if (Either.isLeft(json)) return yield* new Refused({ status: 400, message: `the body is not JSON: ${(json.left as Error).message}` })
    return yield* Schema.decodeUnknown(schema, { onExcessProperty: "error" })(json.right).pipe(
      Effect.mapError((e) => new Refused({ status: 400, message: formatIssues(e) }))
    )
  })
