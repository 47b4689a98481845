// Data loading times: 50,000 generated 32×32 PNGs (first load, which decodes and writes the
// cache, then a cached load) and the SpamAssassin corpus. A one-off, not part of `npm run bench`:
//   npm run build && node dist/bench/data-loading.js [count] [dir]
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { Effect } from "effect"
import sharp from "sharp"
import { loadImageFolder } from "../src/data/folder.js"
import { loadSpam } from "../src/data/spam.js"

const seconds = async <A>(f: () => Promise<A>): Promise<[number, A]> => {
  const t = performance.now()
  const a = await f()
  return [(performance.now() - t) / 1000, a]
}

/** Writes `count` 32×32 RGB PNGs into root/{train,test}/<class>/ (10 classes, 5/6 train). */
export const writePngFolder = async (root: string, count: number, size = 32): Promise<void> => {
  const classes = 10
  let next = 0
  const work = async () => {
    while (next < count) {
      const i = next++
      const c = i % classes
      const split = Math.floor(i / classes) % 6 === 5 ? "test" : "train"
      const dir = join(root, split, `class-${c}`)
      mkdirSync(dir, { recursive: true })
      const px = Buffer.alloc(size * size * 3)
      for (let p = 0; p < px.length; p++) px[p] = (i * 31 + p * (c + 3)) & 255
      writeFileSync(join(dir, `${i}.png`), await sharp(px, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer())
    }
  }
  await Promise.all(Array.from({ length: 16 }, work))
}

export const benchDataLoading = async (count = 50_000, root = join(tmpdir(), "deal-bench-pngs")) => {
  rmSync(root, { recursive: true, force: true })
  const [write] = await seconds(() => writePngFolder(root, count))
  const [first, data] = await seconds(() => Effect.runPromise(loadImageFolder(root)))
  const [cached] = await seconds(() => Effect.runPromise(loadImageFolder(root)))
  const [spam, s] = await seconds(() => Effect.runPromise(loadSpam({ seed: 1 })))
  const [spamTokens] = await seconds(() => Effect.runPromise(loadSpam({ seed: 1, textRepresentation: "tokens" })))
  rmSync(root, { recursive: true, force: true })
  return [
    { what: `write ${count} PNGs (setup)`, examples: count, seconds: +write.toFixed(2) },
    { what: "folder: first load (decode + write cache)", examples: data.train.y.length + data.test.y.length, seconds: +first.toFixed(2) },
    { what: "folder: cached load", examples: data.train.y.length + data.test.y.length, seconds: +cached.toFixed(2) },
    { what: "spam: TF-IDF (2,000 words)", examples: s.train.y.length + s.test.y.length, seconds: +spam.toFixed(2) },
    { what: "spam: token ids (256)", examples: s.train.y.length + s.test.y.length, seconds: +spamTokens.toFixed(2) }
  ]
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = await benchDataLoading(Number(process.argv[2] ?? 50_000), process.argv[3])
  console.table(rows)
}
