import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { emailText } from "../../src/data/spam.js"
import { buildVocabulary, textDatasets, tokenize, vectorize } from "../../src/data/text.js"

describe("text features", () => {
  it("tokenizes lower-case words of 2–30 characters", () => {
    expect(tokenize("Hello, WORLD! It's a 2nd test: x y z")).toEqual(["hello", "world", "it's", "2nd", "test"])
  })

  it("keeps the most frequent words by document frequency, ties by the word", () => {
    const docs = [["b", "a", "c"], ["a", "b"], ["a", "d"], ["d", "c"]].map((d) => d.map((w) => w + w))
    const v = buildVocabulary(docs, { vocabSize: 3, minDf: 2 })
    expect(v.words).toEqual(["aa", "bb", "cc"])
  })

  it("TF-IDF rows are L2-normalised (or all zero)", () => {
    const docs = [tokenize("spam spam eggs"), tokenize("eggs ham"), tokenize("nothing known")]
    const v = buildVocabulary(docs, { minDf: 1 })
    const { x, shape } = vectorize(docs, v)
    const d = shape[0]
    const norms = [0, 1, 2].map((i) => Math.hypot(...x.subarray(i * d, (i + 1) * d)))
    expect(norms[0]).toBeCloseTo(1, 5)
    expect(norms[1]).toBeCloseTo(1, 5)
  })

  it("property: no word that occurs only in test documents enters the vocabulary or the features", () => {
    const word = fc.stringMatching(/^[a-z]{2,6}$/)
    fc.assert(
      fc.property(fc.array(fc.array(word, { maxLength: 8 }), { minLength: 1, maxLength: 12 }), fc.array(fc.array(word, { maxLength: 8 }), { maxLength: 6 }), (train, test) => {
        const y = (n: number) => new Int32Array(n)
        const ids = (n: number) => Array.from({ length: n }, (_, i) => String(i))
        const { train: tr, test: te } = textDatasets("t", ["a"], { texts: train.map((d) => d.join(" ")), y: y(train.length), ids: ids(train.length) }, { texts: test.map((d) => d.join(" ")), y: y(test.length), ids: ids(test.length) }, { minDf: 1 })
        const seen = new Set(train.flat())
        for (const w of tr.vocabulary!) expect(seen.has(w)).toBe(true)
        expect(te.vocabulary).toBe(tr.vocabulary)
        expect(te.shape).toEqual(tr.shape)
      }),
      { numRuns: 100 }
    )
  })

  it("an email's subject and body, without the routing headers", () => {
    const raw = "From: a@b.c\nReceived: from mx.example.org\nSubject: Cheap pills\n\nBuy now"
    expect(emailText(raw)).toBe(" Cheap pills\n\n\nBuy now")
  })
})
