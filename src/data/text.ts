/**
 * Text features for active learning: a tokenizer, a bounded vocabulary built from the
 * training split only (no test leakage), and two representations of a document: TF-IDF
 * features (for logistic regression and MLPs) and padded token ids (for embedding models).
 */
import type { Dataset } from "./dataset.js"

/** Lower-cased alphanumeric runs of 2–30 characters (an apostrophe inside a word is kept). */
export const tokenize = (text: string): Array<string> => {
  const out: Array<string> = []
  const re = /[a-z0-9]+(?:'[a-z]+)?/g
  const lower = text.toLowerCase()
  for (let m = re.exec(lower); m !== null; m = re.exec(lower)) {
    const t = m[0]
    if (t.length >= 2 && t.length <= 30) out.push(t)
  }
  return out
}

export interface TextOptions {
  /** Largest vocabulary (the most frequent words by document frequency). Default 2000. */
  readonly vocabSize?: number
  /** Words in fewer training documents are dropped. Default 2. */
  readonly minDf?: number
  /** `tfidf`: one TF-IDF vector [V] per document; `tokens`: the first `maxTokens` token ids [L]. */
  readonly representation?: "tfidf" | "tokens"
  /** Sequence length for `tokens` (longer documents are cut, shorter ones padded with 0). Default 256. */
  readonly maxTokens?: number
}

/** Token id of word i is i + 2: 0 pads a sequence, 1 stands for a word outside the vocabulary. */
export const PAD = 0
export const OOV = 1

export interface Vocabulary {
  readonly words: ReadonlyArray<string>
  readonly index: ReadonlyMap<string, number>
  /** Smoothed inverse document frequency of each word, ln((1 + n) / (1 + df)) + 1. */
  readonly idf: Float32Array
}

/**
 * The vocabulary of `docs` (training documents only): words in at least `minDf` documents,
 * the `vocabSize` most frequent by document frequency (ties by the word, so it is deterministic).
 */
export const buildVocabulary = (docs: ReadonlyArray<ReadonlyArray<string>>, options: TextOptions = {}): Vocabulary => {
  const vocabSize = options.vocabSize ?? 2000
  const minDf = options.minDf ?? 2
  const df = new Map<string, number>()
  for (const doc of docs) for (const w of new Set(doc)) df.set(w, (df.get(w) ?? 0) + 1)
  const words = [...df.entries()]
    .filter(([, n]) => n >= minDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, vocabSize)
    .map(([w]) => w)
  const n = docs.length
  const idf = Float32Array.from(words, (w) => Math.log((1 + n) / (1 + df.get(w)!)) + 1)
  return { words, index: new Map(words.map((w, i) => [w, i])), idf }
}

/** Sublinear TF-IDF, (1 + ln tf) · idf, L2-normalised per document, into `out` at `offset`. */
const tfidfInto = (doc: ReadonlyArray<string>, vocab: Vocabulary, out: Float32Array, offset: number): void => {
  const counts = new Map<number, number>()
  for (const w of doc) {
    const i = vocab.index.get(w)
    if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1)
  }
  let norm = 0
  for (const [i, c] of counts) {
    const v = (1 + Math.log(c)) * vocab.idf[i]
    out[offset + i] = v
    norm += v * v
  }
  if (norm > 0) {
    const s = 1 / Math.sqrt(norm)
    for (const i of counts.keys()) out[offset + i] *= s
  }
}

const tokensInto = (doc: ReadonlyArray<string>, vocab: Vocabulary, out: Float32Array, offset: number, length: number): void => {
  const m = Math.min(length, doc.length)
  for (let j = 0; j < m; j++) {
    const i = vocab.index.get(doc[j])
    out[offset + j] = i === undefined ? OOV : i + 2
  }
}

/** The feature matrix of tokenized documents under `vocab`, with its per-example shape. */
export const vectorize = (
  docs: ReadonlyArray<ReadonlyArray<string>>,
  vocab: Vocabulary,
  options: TextOptions = {}
): { readonly x: Float32Array; readonly shape: ReadonlyArray<number> } => {
  if ((options.representation ?? "tfidf") === "tokens") {
    const length = options.maxTokens ?? 256
    const x = new Float32Array(docs.length * length)
    docs.forEach((doc, i) => tokensInto(doc, vocab, x, i * length, length))
    return { x, shape: [length] }
  }
  const v = vocab.words.length
  const x = new Float32Array(docs.length * v)
  docs.forEach((doc, i) => tfidfInto(doc, vocab, x, i * v))
  return { x, shape: [v] }
}

/** A labelled text split, before tokenizing and vectorizing. */
export interface TextSplit {
  readonly texts: ReadonlyArray<string>
  readonly y: Int32Array
  readonly ids: ReadonlyArray<string>
}

/**
 * Train and test datasets from text: each text is tokenized, the vocabulary (and IDF) come from
 * the training documents alone, then both splits are vectorized with it. The datasets keep the
 * raw texts too (for text backbones).
 */
export const textDatasets = (
  name: string,
  classNames: ReadonlyArray<string>,
  train: TextSplit,
  test: TextSplit,
  options: TextOptions = {}
): { readonly train: Dataset; readonly test: Dataset } => {
  const [trainDocs, testDocs] = [train.texts.map(tokenize), test.texts.map(tokenize)]
  const vocab = buildVocabulary(trainDocs, options)
  const kind = (options.representation ?? "tfidf") === "tokens" ? ("tokens" as const) : ("text" as const)
  const make = (split: TextSplit, docs: ReadonlyArray<ReadonlyArray<string>>): Dataset => {
    const { x, shape } = vectorize(docs, vocab, options)
    return { name, x, shape, y: split.y, classNames, ids: split.ids, kind, vocabulary: vocab.words, texts: split.texts }
  }
  return { train: make(train, trainDocs), test: make(test, testDocs) }
}
