import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { cellJobId, parseQueueUrl, showUrl } from "../../src/grid/queue.js"

const refusal = (text: string) => Effect.runPromise(Effect.flip(parseQueueUrl(text))).then((e) => e.message)

describe("the queue's URL and job ids", () => {
  it("takes redis:// and rediss:// URLs with a host, a port and a database", async () => {
    for (const url of ["redis://127.0.0.1:6379", "redis://cache", "rediss://user:secret@cache.example:6380/2", "redis://cache:6379/"]) {
      expect(await Effect.runPromise(parseQueueUrl(url))).toBe(url)
    }
  })

  it("refuses anything else in one line saying what it expected", async () => {
    const expected = "expected redis://HOST:PORT (or rediss://, and /DB for a database)"
    expect(await refusal("http://cache:6379")).toBe(`--queue http://cache:6379: the scheme is http; ${expected}`)
    expect(await refusal("cache:6379")).toBe(`--queue cache:6379: the scheme is cache; ${expected}`)
    expect(await refusal("127.0.0.1:6379")).toBe(`--queue 127.0.0.1:6379: not a URL; ${expected}`)
    expect(await refusal("redis://cache:6379/jobs")).toBe(`--queue redis://cache:6379/jobs: the database jobs is not a number; ${expected}`)
  })

  it("hides a password in messages", () => {
    expect(showUrl("rediss://user:secret@cache:6380/2")).toBe("rediss://user:***@cache:6380/2")
    expect(showUrl("redis://cache:6379")).toBe("redis://cache:6379")
  })

  it("names a cell's job by its grid's key and run, without the ':' BullMQ forbids", () => {
    expect(cellJobId("gal2017-mnist-quick.3fa2c1d0", { dir: "bald/seed-1" })).toBe("gal2017-mnist-quick.3fa2c1d0/bald/seed-1")
    expect(cellJobId("x:y.00", { dir: "balanced(entropy)/seed-2" })).toBe("x_y.00/balanced(entropy)/seed-2")
  })
})
