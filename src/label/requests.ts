/**
 * What the labelling servers check of every request before they act on one: the token (when the
 * server listens beyond loopback) or basic authentication, and a JSON body no larger than a limit
 * that decodes as its Schema. A request that fails a check gets a 4xx status with a one-line
 * reason (`http-server.ts`), and changes nothing.
 */
import { timingSafeEqual } from "node:crypto"
import { HttpServerRequest } from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { toIncomingMessage } from "@effect/platform-node/NodeHttpServerRequest"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { formatIssues } from "../run/json-file.js"

/** A request refused: its status (4xx) and a one-line reason (and headers to answer with, such as `WWW-Authenticate`). */
export class Refused extends Data.TaggedError("Refused")<{ readonly status: number; readonly message: string; readonly headers?: Readonly<Record<string, string>> }> {}

/** A request's headers, by lower-case name. */
type Headed = { readonly headers: Readonly<Record<string, string | undefined>> }

/** Whether two secrets are the same, in constant time. */
const sameSecret = (given: string, expected: string): boolean => {
  const [a, b] = [Buffer.from(given), Buffer.from(expected)]
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The largest JSON body the server reads, by default: answers are a few hundred bytes. */
export const defaultBodyLimit = 64 * 1024

/**
 * Whether the request carries `token`: as `Authorization: Bearer TOKEN`, or `?token=TOKEN` (the
 * URL the server prints, for a browser). Compared in constant time.
 */
export const hasToken = (req: Headed & { readonly url: string }, token: string): boolean => {
  const header = req.headers.authorization
  const given = header?.startsWith("Bearer ") ? header.slice(7) : new URL(req.url, "http://x").searchParams.get("token")
  return given !== null && given !== undefined && sameSecret(given, token)
}

/** Whether the request carries HTTP basic authentication as `user` and `password` (`Authorization: Basic …`). */
export const hasBasicAuth = (req: Headed, user: string, password: string): boolean => {
  const header = req.headers.authorization
  return header !== undefined && /^basic /i.test(header) && sameSecret(Buffer.from(header.slice(6).trim(), "base64").toString("utf8"), `${user}:${password}`)
}

/**
 * The request's body as `schema`: at most `limit` bytes (413 beyond, the rest unread), declared
 * `application/json` (415 otherwise), valid JSON and valid for the schema (400, naming the field).
 */
export const readJsonBody = <A, I>(schema: Schema.Schema<A, I>, limit = defaultBodyLimit): Effect.Effect<A, Refused, HttpServerRequest> =>
  Effect.gen(function* () {
    // read from Node's request itself: past the limit, the rest is drained rather than the connection cut, so the 413 arrives
    const req = toIncomingMessage(yield* HttpServerRequest)
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

/** A JSON answer, never cached. */
export const jsonAnswer = (body: unknown, status = 200) =>
  HttpServerResponse.unsafeJson(body, { status, contentType: "application/json; charset=utf-8", headers: { "cache-control": "no-store" } })
