/**
 * Serving an `HttpRouter` (`@effect/platform`) on Node for a scope, as both labelling servers do.
 * A request the guard or a route refuses (`Refused`), or that no route takes, gets its 4xx status
 * and a one-line reason as text, and a line in the log; anything else that fails gets a 500 and
 * its line. Bodies and headers that trickle in are cut off, and closing the scope closes every
 * connection.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import { Refused } from "./requests.js"

export interface ServeOptions {
  readonly host: string
  /** 0: any free port. */
  readonly port: number
  /** Asked of every request before any route (a token, a password): a refusal answers it. */
  readonly guard?: (request: HttpServerRequest.HttpServerRequest) => Effect.Effect<void, Refused>
  /** What a request no route takes is told (its method and path): by default, 404 and no route. */
  readonly noRoute?: (method: string, path: string) => Refused
}

/** A request's path: its URL without the query, with repeated slashes as one (as the router matches it). */
const pathOf = (request: HttpServerRequest.HttpServerRequest) => request.url.split("?")[0].replace(/\/{2,}/g, "/")

/** The failure a request ends in, as the status and one line it is answered with. */
const refusal = (cause: Cause.Cause<unknown>, request: HttpServerRequest.HttpServerRequest, noRoute: ServeOptions["noRoute"]): Refused => {
  const failure = Cause.failureOption(cause)
  if (Option.isNone(failure)) return new Refused({ status: 500, message: "the server failed" })
  const e = failure.value
  if (e instanceof Refused) return e
  if (typeof e === "object" && e !== null && "_tag" in e && e._tag === "RouteNotFound") {
    return noRoute?.(request.method, pathOf(request)) ?? new Refused({ status: 404, message: `no route ${request.method} ${pathOf(request)}` })
  }
  return new Refused({ status: 500, message: typeof e === "object" && e !== null && "message" in e ? String(e.message) : "the server failed" })
}

/** Serves `router` on `host`:`port` for the scope; the base URL it listens at. */
export const serveRoutes = <E>(router: HttpRouter.HttpRouter<E>, options: ServeOptions): Effect.Effect<string, Refused, Scope.Scope> =>
  Effect.gen(function* () {
    const server = createServer()
    server.requestTimeout = 30_000
    server.headersTimeout = 10_000
    const http = yield* NodeHttpServer.make(() => server, { host: options.host, port: options.port }).pipe(
      Effect.mapError((e) => new Refused({ status: 500, message: `cannot listen on ${options.host}:${options.port}: ${(e.cause as Error | undefined)?.message ?? e.message}` }))
    )
    // before the platform's own close, which waits for every connection: close them
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        server.close()
        server.closeAllConnections()
      })
    )
    const routes = yield* HttpRouter.toHttpApp(router).pipe(HttpRouter.withRouterConfig({ ignoreDuplicateSlashes: true }))
    const app = Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
      (options.guard === undefined ? routes : Effect.zipRight(options.guard(request), routes)).pipe(
        Effect.catchAllCause((cause) => {
          const { status, message, headers } = refusal(cause, request, options.noRoute)
          return Effect.as(
            Effect.logInfo(`refused ${request.method} ${pathOf(request)}: ${status} ${message}`),
            HttpServerResponse.text(message, { status, contentType: "text/plain; charset=utf-8", ...(headers === undefined ? {} : { headers }) })
          )
        })
      )
    )
    yield* HttpServer.serveEffect(app).pipe(Effect.provideService(HttpServer.HttpServer, http))
    const { port } = server.address() as AddressInfo
    return `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}/`
  })
