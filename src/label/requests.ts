/**
 * What the labelling servers check of every request before they act on one: the token (when the
 * server listens beyond loopback) or basic authentication, and a JSON body no larger than a limit
 * that decodes as its Schema. A request that fails a check gets a 4xx status with a one-line
 * reason, and changes nothing. Also: answering a request from its route's Effect, and listening
 * for a scope.
 */
import { timingSafeEqual } from "node:crypto"
import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { formatIssues } from "../run/json-file.js"

/** A request refused: its status (4xx) and a one-line reason (and headers to answer with, such as `WWW-Authenticate`). */
export class Refused extends Data.TaggedError("Refused")<{ readonly status: number; readonly message: string; readonly headers?: Readonly<Record<string, string>> }> {}

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
export const hasToken = (req: Pick<IncomingMessage, "headers" | "url">, token: string): boolean => {
  const header = req.headers.authorization
  const given = header?.startsWith("Bearer ") ? header.slice(7) : new URL(req.url ?? "/", "http://x").searchParams.get("token")
  return given !== null && given !== undefined && sameSecret(given, token)
}

/** Whether the request carries HTTP basic authentication as `user` and `password` (`Authorization: Basic …`). */
export const hasBasicAuth = (req: Pick<IncomingMessage, "headers">, user: string, password: string): boolean => {
  const header = req.headers.authorization
  return header !== undefined && /^basic /i.test(header) && sameSecret(Buffer.from(header.slice(6).trim(), "base64").toString("utf8"), `${user}:${password}`)
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

/**
 * A request listener that runs `route` for each request: a failure answers with its status
 * (Refused's, else 500) and its one-line reason as text, and is logged.
 */
export const answerWith =
  (route: (req: IncomingMessage, res: ServerResponse) => Effect.Effect<void, { readonly message: string }>, runtime: Runtime.Runtime<never>): RequestListener =>
  (req, res) =>
    void Runtime.runPromise(runtime)(
      Effect.catchAllCause(route(req, res), (cause) => {
        const failure = cause._tag === "Fail" ? cause.error : undefined
        const status = failure instanceof Refused ? failure.status : 500
        const message = failure?.message ?? "the server failed"
        if (res.headersSent) res.destroy()
        else res.writeHead(status, { ...(failure instanceof Refused ? failure.headers : {}), "content-type": "text/plain; charset=utf-8" }).end(message)
        return Effect.logInfo(`refused ${req.method} ${req.url?.split("?")[0]}: ${status} ${message}`)
      })
    )

/**
 * Listens on `host`:`port` (0: any free port) for the scope, and closes (connections and all)
 * when it closes; the base URL it listens at. Bodies and headers that trickle in are cut off.
 */
export const listenForScope = (server: Server, host: string, port: number): Effect.Effect<string, Refused, Scope.Scope> =>
  Effect.gen(function* () {
    server.requestTimeout = 30_000
    server.headersTimeout = 10_000
    yield* Effect.acquireRelease(
      Effect.async<void, Refused>((resume) => {
        server.once("error", (e) => resume(Effect.fail(new Refused({ status: 500, message: `cannot listen on ${host}:${port}: ${e.message}` }))))
        server.listen(port, host, () => resume(Effect.void))
      }),
      () =>
        Effect.async<void>((resume) => {
          server.close(() => resume(Effect.void))
          server.closeAllConnections()
        })
    )
    const address = server.address() as AddressInfo
    return `http://${host.includes(":") ? `[${host}]` : host}:${address.port}/`
  })
