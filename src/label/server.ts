/**
 * The labelling server of `deal label`: the page, and a JSON API over a labelling session.
 *
 * | route | what it does |
 * |---|---|
 * | `GET /` | the page |
 * | `GET /api/state` | the classes, the kind of items, and the session's status |
 * | `GET /api/next?n=K&q=WORDS` | up to K items to show (their index, id, the model that chose them; a text item's text), with `q` only those whose text (an image: its path) holds every word |
 * | `GET /api/item/INDEX` | an image item's file (only the dataset's own: `dataset-files.ts`) |
 * | `POST /api/answer` | `{ request, item, label | skip | unsure, annotator? }`: answered once on disk |
 * | `POST /api/undo` | `{ request, annotator? }`: takes back the annotator's latest answer |
 *
 * Every request is checked first (`requests.ts`): the token when there is one, the body's size,
 * type and fields; a refused request gets a 4xx and a one-line reason, and changes nothing.
 */
import { createReadStream } from "node:fs"
import * as HttpRouter from "@effect/platform/HttpRouter"
import { HttpServerRequest, ParsedSearchParams } from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { itemFile } from "./dataset-files.js"
import { serveRoutes } from "./http-server.js"
import { labelPage } from "./page.js"
import { hasToken, jsonAnswer, readJsonBody, Refused } from "./requests.js"
import type { LabelSession } from "./session.js"

export interface LabelServerOptions {
  readonly session: LabelSession
  readonly classes: ReadonlyArray<string>
  /** Every item's id (the pool's ids), by index. */
  readonly ids: ReadonlyArray<string>
  /** What the items are: images (files under `root`, by index) or texts (by index). */
  readonly items: { readonly kind: "image"; readonly root: string; readonly files: ReadonlyArray<string> } | { readonly kind: "text"; readonly texts: ReadonlyArray<string> }
  readonly host: string
  /** 0: any free port. */
  readonly port: number
  /** Required of every request when given (`Authorization: Bearer …` or `?token=`). */
  readonly token?: string
  /** A line per refused request, per answer (for the terminal). */
}

const Name = Schema.String.pipe(Schema.maxLength(200))
const AnswerBody = Schema.Struct({
  request: Name.pipe(Schema.minLength(1)),
  item: Schema.String.pipe(Schema.maxLength(4096)),
  label: Schema.optional(Name),
  skip: Schema.optional(Schema.Literal(true)),
  unsure: Schema.optional(Schema.Literal(true)),
  annotator: Schema.optional(Name)
})
const UndoBody = Schema.Struct({ request: Name.pipe(Schema.minLength(1)), annotator: Schema.optional(Name) })

const pageHeaders = { "cache-control": "no-store", "content-security-policy": "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self'" }

/** Starts the server for the scope; its URL (with the token, when there is one) once it listens. */
export const startLabelServer = (options: LabelServerOptions): Effect.Effect<{ readonly url: string }, Refused, Scope.Scope> =>
  Effect.gen(function* () {
    const { session, classes, items } = options
    const ids = new Set(options.ids)
    /** Each item's text (an image: its path) in lower case, for the keyword filter, made once. */
    const lowered: Array<string | undefined> = []
    const text = (index: number) => (lowered[index] ??= (items.kind === "text" ? items.texts[index] : items.files[index]).toLowerCase())
    const search = (name: string) => Effect.map(ParsedSearchParams, (params) => { const v = params[name]; return typeof v === "string" ? v : undefined })

    const next = Effect.gen(function* () {
      const given = yield* search("n")
      const n = Number(given ?? "10")
      if (!Number.isInteger(n) || n < 1 || n > 100) return yield* new Refused({ status: 400, message: `n=${given}: expected an integer from 1 to 100` })
      const words = ((yield* search("q")) ?? "").toLowerCase().split(/\s+/).filter((w) => w !== "").slice(0, 10)
      const chosen = yield* session.next(n, words.length === 0 ? undefined : (index) => words.every((w) => text(index).includes(w)))
      return jsonAnswer({ items: chosen.map((q) => ({ ...q, ...(items.kind === "text" ? { text: items.texts[q.index] } : {}) })) })
    })

    const image = Effect.gen(function* () {
      const { index } = yield* HttpRouter.params
      if (items.kind !== "image" || index === undefined || !/^\d+$/.test(index)) return yield* new Refused({ status: 404, message: `no route GET /api/item/${index}` })
      const file = yield* itemFile(items.root, items.files, Number(index)).pipe(Effect.mapError((e) => new Refused({ status: e.status, message: e.message })))
      return HttpServerResponse.raw(createReadStream(file.path), { contentType: file.type, headers: { "cache-control": "private, max-age=3600" } })
    })

    const answer = Effect.gen(function* () {
      const body = yield* readJsonBody(AnswerBody)
      if (!ids.has(body.item)) return yield* new Refused({ status: 400, message: `item: no item ${JSON.stringify(body.item.slice(0, 100))} in this dataset` })
      const given = [body.label !== undefined, body.skip === true, body.unsure === true].filter(Boolean).length
      if (given !== 1) return yield* new Refused({ status: 400, message: "expected exactly one of label, skip and unsure" })
      if (body.label !== undefined && !classes.includes(body.label)) return yield* new Refused({ status: 400, message: `label: '${body.label}' is not a class: expected one of ${classes.join(", ")}` })
      const answer = body.label !== undefined ? { label: body.label } : body.skip === true ? { skip: true as const } : { unsure: true as const }
      const entry = yield* session.answer({ request: body.request, item: body.item, answer, ...(body.annotator === undefined ? {} : { annotator: body.annotator }) })
      return jsonAnswer({ saved: entry.seq })
    })

    const undo = Effect.gen(function* () {
      const body = yield* readJsonBody(UndoBody)
      const entry = yield* session.undo({ request: body.request, ...(body.annotator === undefined ? {} : { annotator: body.annotator }) })
      return jsonAnswer({ undone: entry === undefined || "answer" in entry ? null : entry.undo })
    })

    const router = HttpRouter.empty.pipe(
      HttpRouter.get("/", Effect.succeed(HttpServerResponse.html(labelPage).pipe(HttpServerResponse.setHeaders(pageHeaders)))),
      HttpRouter.get("/favicon.ico", Effect.succeed(HttpServerResponse.empty({ status: 204 }))),
      HttpRouter.get("/api/state", Effect.map(session.status, (status) => jsonAnswer({ classes, kind: items.kind, status }))),
      HttpRouter.get("/api/next", next),
      HttpRouter.get("/api/item/:index", image),
      HttpRouter.post("/api/answer", answer),
      HttpRouter.post("/api/undo", undo)
    )
    const token = options.token
    const url = yield* serveRoutes(router, {
      host: options.host,
      port: options.port,
      ...(token === undefined
        ? {}
        : { guard: (request: HttpServerRequest) => (hasToken(request, token) ? Effect.void : Effect.fail(new Refused({ status: 401, message: "a token is required: open the URL deal label printed" }))) })
    })
    return { url: `${url}${token === undefined ? "" : `?token=${token}`}` }
  })
