import { readdirSync, truncateSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { Backbone } from "../../src/backbones/backbone.js"
import { cachedEmbeddings } from "../../src/backbones/embedding-cache.js"
import type { Dataset } from "../../src/data/dataset.js"
import { tempDir } from "../data/fixtures.js"

const texts = (name: string, ts: ReadonlyArray<string>): Dataset => ({ name, x: new Float32Array(ts.length), shape: [1], y: new Int32Array(ts.length), classNames: ["a", "b"], texts: ts })

/** A backbone that embeds a text as [its length, its first char code] and counts its calls. */
const counting = (identity: Record<string, unknown> = { v: 1 }) => {
  const calls = { n: 0 }
  const embedOne = (t: string) => [t.length, t.charCodeAt(0) || 0]
  const backbone: Backbone = {
    name: "counting",
    input: "text",
    identity,
    embed: ({ train, test }) =>
      Effect.sync(() => {
        calls.n++
        return { train: Float32Array.from(train.texts!.flatMap(embedOne)), test: Float32Array.from(test.texts!.flatMap(embedOne)), dim: 2 }
      })
  }
  return { backbone, calls }
}

const splits = { train: texts("d", ["ab", "cde"]), test: texts("d", ["f"]) }
const run = (b: Backbone, s = splits, cacheDir: string | false) => Effect.runPromise(cachedEmbeddings(b, s, { cacheDir }))

describe("the embedding cache", () => {
  it("computes a dataset's embeddings once, then reads them back equal", async () => {
    const dir = tempDir("deal-emb-")
    const { backbone, calls } = counting()
    const first = await run(backbone, splits, dir)
    const second = await run(backbone, splits, dir)
    expect(calls.n).toBe(1)
    expect([first.cached, second.cached]).toEqual([false, true])
    expect(Array.from(second.train)).toEqual([2, 97, 3, 99])
    expect(Array.from(second.test)).toEqual([1, 102])
    expect(second.dim).toBe(2)
  })

  it("computes again when any item, the backbone's identity or the file changes, and keeps one file per backbone and dataset", async () => {
    const dir = tempDir("deal-emb-")
    const { backbone, calls } = counting()
    await run(backbone, splits, dir)
    await run(backbone, { ...splits, test: texts("d", ["g"]) }, dir)
    expect(calls.n).toBe(2)
    const other = counting({ v: 2 })
    await run(other.backbone, splits, dir)
    expect(other.calls.n).toBe(1)
    const files = readdirSync(dir)
    expect(files).toHaveLength(1)
    // a cut file (a disk filled up, a copy interrupted) is not read
    truncateSync(join(dir, files[0]), 20)
    const again = await run(other.backbone, splits, dir)
    expect([other.calls.n, again.cached]).toEqual([2, false])
    expect(readdirSync(dir).filter((f) => f.includes(".tmp"))).toEqual([])
  })

  it("writes nothing with the cache off", async () => {
    const dir = tempDir("deal-emb-")
    const { backbone, calls } = counting()
    await run(backbone, splits, false)
    await run(backbone, splits, false)
    expect(calls.n).toBe(2)
    expect(readdirSync(dir)).toEqual([])
  })
})
