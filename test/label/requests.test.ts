import * as HttpRouter from "@effect/platform/HttpRouter"
import { Effect, Exit, Schema, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { serveRoutes } from "../../src/label/http-server.js"
import { hasToken, jsonAnswer, readJsonBody, Refused } from "../../src/label/requests.js"

const AnswerBody = Schema.Struct({ item: Schema.Int, label: Schema.String })

/**
 * A server on 127.0.0.1 that answers a POST to / with the body readJsonBody decodes (100 bytes at
 * most), and refuses any request that carries `x-refuse`, as the labelling servers serve theirs.
 */
const scope = Effect.runSync(Scope.make())
let url = ""
beforeAll(async () => {
  const router = HttpRouter.empty.pipe(HttpRouter.post("/", Effect.map(readJsonBody(AnswerBody, 100), (body) => jsonAnswer(body))))
  const guard = (request: { readonly headers: Readonly<Record<string, string | undefined>> }) =>
    request.headers["x-refuse"] === undefined ? Effect.void : Effect.fail(new Refused({ status: 401, message: "refused by the guard" }))
  url = await Effect.runPromise(serveRoutes(router, { host: "127.0.0.1", port: 0, guard }).pipe(Scope.extend(scope)))
})
afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

const post = async (body: string, type = "application/json") => {
  const res = await fetch(url, { method: "POST", headers: { "content-type": type }, body })
  return `${res.status} ${await res.text()}`
}

describe("what the labelling server checks of a request", () => {
  it("reads a JSON body that fits its schema", async () => {
    expect(await post('{"item":3,"label":"cat"}')).toBe('200 {"item":3,"label":"cat"}')
    expect(await post('{"item":3,"label":"cat"}', "application/json; charset=utf-8")).toBe('200 {"item":3,"label":"cat"}')
  })

  it("refuses, with a 4xx and one line: another content type, a body over the limit, bad JSON, a field missing, wrong or unknown", async () => {
    expect(await post('{"item":3,"label":"cat"}', "text/plain")).toBe("415 expected a JSON body (Content-Type: application/json), got text/plain")
    expect(await post(JSON.stringify({ item: 3, label: "x".repeat(200) }))).toMatch(/^413 the body is 2\d\d bytes: expected at most 100$/)
    // sent in chunks, with no length declared: cut off at the limit, and still answered
    const chunks = [JSON.stringify({ item: 3, label: "x".repeat(60) }).slice(0, 70), "x".repeat(60) + '"}']
    const streamed = new ReadableStream({ pull: (c) => void (chunks.length === 0 ? c.close() : c.enqueue(new TextEncoder().encode(chunks.shift()))) })
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: streamed, duplex: "half" } as RequestInit)
    expect(`${res.status} ${await res.text()}`).toBe("413 the body is over 100 bytes: expected at most 100")
    expect(await post('{"item":3,')).toMatch(/^400 the body is not JSON: /)
    expect(await post('{"item":"3","label":"cat"}')).toBe('400 item: Expected number, actual "3"')
    expect(await post('{"item":3}')).toBe("400 label: is missing")
    expect(await post('{"item":3,"label":"cat","admin":true}')).toMatch(/^400 admin: is unexpected/)
  })

  it("answers a request no route takes, or the guard refuses, with its status and one line", async () => {
    const answer = async (res: Response) => `${res.status} ${await res.text()}`
    expect(await answer(await fetch(new URL("/nowhere?x=1", url)))).toBe("404 no route GET /nowhere")
    expect(await answer(await fetch(url))).toBe("404 no route GET /")
    expect(await answer(await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-refuse": "1" }, body: '{"item":3,"label":"cat"}' }))).toBe("401 refused by the guard")
    // a repeated slash routes as one
    expect(await answer(await fetch(url.replace(/\/$/, "//"), { method: "POST", headers: { "content-type": "application/json" }, body: '{"item":3,"label":"cat"}' }))).toBe('200 {"item":3,"label":"cat"}')
  })

  it("a token as a bearer header or in the URL, compared exactly", () => {
    const req = (headers: Record<string, string>, path = "/") => ({ headers, url: path })
    expect(hasToken(req({ authorization: "Bearer s3cret" }), "s3cret")).toBe(true)
    expect(hasToken(req({}, "/?token=s3cret"), "s3cret")).toBe(true)
    expect(hasToken(req({ authorization: "Bearer s3cre" }), "s3cret")).toBe(false)
    expect(hasToken(req({}, "/?token=S3CRET"), "s3cret")).toBe(false)
    expect(hasToken(req({}), "s3cret")).toBe(false)
  })
})
