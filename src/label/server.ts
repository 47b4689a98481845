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
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { itemFile } from "./dataset-files.js"
import { labelPage } from "./page.js"
import { answerWith, hasToken, listenForScope, readJsonBody, Refused } from "./requests.js"
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

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }).end(JSON.stringify(body))

/** Starts the server for the scope; its URL (with the token, when there is one) once it listens. */
export const startLabelServer = (options: LabelServerOptions): Effect.Effect<{ readonly url: string }, Refused, Scope.Scope> =>
  Effect.gen(function* () {
    const { session, classes, items } = options
    const ids = new Set(options.ids)
    /** Each item's text (an image: its path) in lower case, for the keyword filter, made once. */
    const lowered: Array<string | undefined> = []

    const route = (req: IncomingMessage, res: ServerResponse): Effect.Effect<void, Refused | { readonly _tag: string; readonly message: string }> =>
      Effect.gen(function* () {
        const url = new URL(req.url ?? "/", "http://deal")
        if (options.token !== undefined && !hasToken(req, options.token)) return yield* new Refused({ status: 401, message: "a token is required: open the URL deal label printed" })
        const method = req.method ?? "GET"
        if (method === "GET" && url.pathname === "/") {
          res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "content-security-policy": "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self'" }).end(labelPage)
          return
        }
        if (method === "GET" && url.pathname === "/favicon.ico") return void res.writeHead(204).end()
        if (method === "GET" && url.pathname === "/api/state") return json(res, 200, { classes, kind: items.kind, status: yield* session.status })
        if (method === "GET" && url.pathname === "/api/next") {
          const n = Number(url.searchParams.get("n") ?? "10")
          if (!Number.isInteger(n) || n < 1 || n > 100) return yield* new Refused({ status: 400, message: `n=${url.searchParams.get("n")}: expected an integer from 1 to 100` })
          const words = (url.searchParams.get("q") ?? "").toLowerCase().split(/\s+/).filter((w) => w !== "").slice(0, 10)
          const text = (index: number) => (lowered[index] ??= (items.kind === "text" ? items.texts[index] : items.files[index]).toLowerCase())
          const next = yield* session.next(n, words.length === 0 ? undefined : (index) => words.every((w) => text(index).includes(w)))
          return json(res, 200, { items: next.map((q) => ({ ...q, ...(items.kind === "text" ? { text: items.texts[q.index] } : {}) })) })
        }
        const image = /^\/api\/item\/(\d+)$/.exec(url.pathname)
        if (method === "GET" && image !== null && items.kind === "image") {
          const file = yield* itemFile(items.root, items.files, Number(image[1])).pipe(Effect.mapError((e) => new Refused({ status: e.status, message: e.message })))
          res.writeHead(200, { "content-type": file.type, "cache-control": "private, max-age=3600" })
          createReadStream(file.path).pipe(res)
          return
        }
        if (method === "POST" && url.pathname === "/api/answer") {
          const body = yield* readJsonBody(req, AnswerBody)
          if (!ids.has(body.item)) return yield* new Refused({ status: 400, message: `item: no item ${JSON.stringify(body.item.slice(0, 100))} in this dataset` })
          const given = [body.label !== undefined, body.skip === true, body.unsure === true].filter(Boolean).length
          if (given !== 1) return yield* new Refused({ status: 400, message: "expected exactly one of label, skip and unsure" })
          if (body.label !== undefined && !classes.includes(body.label)) return yield* new Refused({ status: 400, message: `label: '${body.label}' is not a class: expected one of ${classes.join(", ")}` })
          const answer = body.label !== undefined ? { label: body.label } : body.skip === true ? { skip: true as const } : { unsure: true as const }
          const entry = yield* session.answer({ request: body.request, item: body.item, answer, ...(body.annotator === undefined ? {} : { annotator: body.annotator }) })
          return json(res, 200, { saved: entry.seq })
        }
        if (method === "POST" && url.pathname === "/api/undo") {
          const body = yield* readJsonBody(req, UndoBody)
          const entry = yield* session.undo({ request: body.request, ...(body.annotator === undefined ? {} : { annotator: body.annotator }) })
          return json(res, 200, { undone: entry === undefined || "answer" in entry ? null : entry.undo })
        }
        return yield* new Refused({ status: 404, message: `no route ${method} ${url.pathname}` })
      })

    const url = yield* listenForScope(createServer(answerWith(route, yield* Effect.runtime<never>())), options.host, options.port)
    return { url: `${url}${options.token === undefined ? "" : `?token=${options.token}`}` }
  })
