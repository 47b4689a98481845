import { join } from "node:path"
import { beforeAll } from "vitest"
import { tempDir } from "../data/fixtures.js"
import { writeTinyBert, writeTinyVit } from "../fixtures/tiny-onnx.js"

// Every model here is one the tests write (test/fixtures/tiny-onnx.ts): a 1-layer BERT and ViT
// with hidden size 16 and seeded weights, loaded through transformers.js from a local folder.

/** Writes the tiny models before the file's tests: where they are, once written. */
export const tinyBackbones = () => {
  const paths = { root: "", bert: "", vit: "" }
  beforeAll(async () => {
    paths.root = tempDir("deal-backbones-")
    paths.bert = join(paths.root, "tiny-bert")
    paths.vit = join(paths.root, "tiny-vit")
    await writeTinyBert(paths.bert)
    await writeTinyVit(paths.vit)
  })
  return paths
}

const spamWords = ["free", "money", "win", "cash", "prize", "offer", "click", "call", "buy", "cheap"]
const hamWords = ["meeting", "report", "project", "hello", "team", "review", "notes", "schedule", "budget", "lunch"]
/** Texts of tiny BERT's words: spam ones from one bag, ham ones from the other, the rest shared. */
export const emails = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const label = i % 2 === 0 ? "spam" : "ham"
    const bag = label === "spam" ? spamWords : hamWords
    return { text: `${bag[i % 10]} ${bag[(i * 3 + 1) % 10]} the ${bag[(i * 7 + 2) % 10]} for you ${i % 3 === 0 ? "today" : "now"}`, label }
  })
