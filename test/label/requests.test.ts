import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { hasToken, readJsonBody } from "../../src/label/requests.js"

const AnswerBody = Schema.Struct({ item: Schema.Int, label: Schema.String })

/** A server on 127.0.0.1 that answers each POST with the status and reason (or the decoded body) of readJsonBody, with a 100-byte limit. */
let server: Server
let url = ""
beforeAll(async () => {
  server = createServer((req, res) => {
    void Effect.runPromise(
      Effect.match(readJsonBody(req, AnswerBody, 100), {
        onFailure: (e) => res.writeHead(e.status, { "content-type": "text/plain" }).end(e.message),
        onSuccess: (body) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body))
      })
    )
  })
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
})
afterAll(() => new Promise<void>((done) => server.close(() => done())))

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
    expect(await post('{"item":3,')).toMatch(/^400 the body is not JSON: /)
    expect(await post('{"item":"3","label":"cat"}')).toBe('400 item: Expected number, actual "3"')
    expect(await post('{"item":3}')).toBe("400 label: is missing")
    expect(await post('{"item":3,"label":"cat","admin":true}')).toMatch(/^400 admin: is unexpected/)
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
