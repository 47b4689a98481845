/** Small generated datasets for the data tests: image folders, CSV and JSONL files. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import sharp from "sharp"

export const tempDir = (prefix = "deal-data-") => mkdtempSync(join(tmpdir(), prefix))

/**
 * Pixels of a size×size image of class `c` (of `classes`): a bright vertical band whose
 * position is the class, plus a little per-image variation, so a model can learn the classes.
 */
export const pattern = (c: number, classes: number, i: number, size: number, channels: number): Buffer => {
  const px = Buffer.alloc(size * size * channels)
  const band = Math.floor((c * size) / classes)
  const width = Math.max(1, Math.floor(size / classes))
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const on = x >= band && x < band + width
      const v = on ? 200 + ((i * 7 + y) % 50) : (i * 13 + x * 3 + y) % 40
      for (let k = 0; k < channels; k++) px[(y * size + x) * channels + k] = Math.max(0, v - k * 20)
    }
  return px
}

export const encodeImage = (px: Buffer, size: number, channels: 1 | 3, format: "png" | "jpeg" = "png"): Promise<Buffer> => {
  const raw = sharp(px, { raw: { width: size, height: size, channels } })
  const img = channels === 1 ? raw.toColourspace("b-w") : raw
  return (format === "png" ? img.png() : img.jpeg({ quality: 95 })).toBuffer()
}

export interface FolderSpec {
  readonly classes?: ReadonlyArray<string>
  readonly train?: number
  readonly test?: number
  readonly size?: number
  readonly channels?: 1 | 3
  readonly format?: "png" | "jpeg"
}

/** Writes `root/{train,test}/<class>/NNN.png`: `train` and `test` images per class. */
export const makeImageFolder = async (root: string, spec: FolderSpec = {}): Promise<string> => {
  const classes = spec.classes ?? ["circle", "square", "triangle"]
  const size = spec.size ?? 8
  const channels = spec.channels ?? 1
  const format = spec.format ?? "png"
  for (const [split, n] of [["train", spec.train ?? 8], ["test", spec.test ?? 4]] as const) {
    for (const [c, name] of classes.entries()) {
      const dir = join(root, split, name)
      mkdirSync(dir, { recursive: true })
      for (let i = 0; i < n; i++) {
        const file = join(dir, `${String(i).padStart(3, "0")}.${format === "png" ? "png" : "jpg"}`)
        writeFileSync(file, await encodeImage(pattern(c, classes.length, i, size, channels), size, channels, format))
      }
    }
  }
  return root
}

/** Rows of a 3-class numeric table: features f1..f3 separate the classes; ids `r<i>`. */
export const numericRows = (n: number, offset = 0): Array<{ id: string; f1: number; f2: number; f3: number; label: string }> =>
  Array.from({ length: n }, (_, k) => {
    const i = k + offset
    const c = i % 3
    const jitter = ((i * 37) % 17) / 17 - 0.5
    return { id: `r${i}`, f1: c * 2 + jitter, f2: (2 - c) * 1.5 - jitter, f3: jitter, label: ["alpha", "beta", "gamma"][c] }
  })

export const toCsv = (rows: ReadonlyArray<Record<string, unknown>>): string => {
  const cols = Object.keys(rows[0])
  return [cols.join(","), ...rows.map((r) => cols.map((c) => String(r[c] ?? "")).join(","))].join("\n") + "\n"
}

const words = {
  pos: ["great", "excellent", "love", "wonderful", "best", "happy", "superb", "enjoyed"],
  neg: ["awful", "terrible", "hate", "boring", "worst", "sad", "poor", "waste"],
  filler: ["the", "movie", "film", "plot", "actor", "scene", "story", "really", "quite", "was"]
}

/** Short reviews whose sentiment words give away the label (`pos` / `neg`). */
export const textRows = (n: number): Array<{ text: string; label: string }> =>
  Array.from({ length: n }, (_, i) => {
    const label = i % 2 === 0 ? "pos" : "neg"
    const bag = words[label as "pos" | "neg"]
    const text = Array.from({ length: 8 }, (_, j) =>
      j % 3 === 0 ? bag[(i * 5 + j) % bag.length] : words.filler[(i * 3 + j * 7) % words.filler.length]
    ).join(" ")
    return { text, label }
  })

export const toJsonl = (rows: ReadonlyArray<unknown>): string => rows.map((r) => JSON.stringify(r)).join("\n") + "\n"
