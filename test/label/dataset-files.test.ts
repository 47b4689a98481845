import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { itemFile } from "../../src/label/dataset-files.js"

/** A dataset folder with two images, a link to an image outside it, a link to a folder outside it, and a secret beside it. */
const dataset = () => {
  const base = mkdtempSync(join(tmpdir(), "deal-files-"))
  const root = join(base, "pets")
  mkdirSync(join(root, "unlabeled", "inner"), { recursive: true })
  writeFileSync(join(root, "unlabeled", "a.png"), "png")
  writeFileSync(join(root, "unlabeled", "inner", "b.JPG"), "jpg")
  writeFileSync(join(base, "secret.png"), "secret")
  mkdirSync(join(base, "elsewhere"))
  writeFileSync(join(base, "elsewhere", "c.png"), "c")
  symlinkSync(join(base, "secret.png"), join(root, "unlabeled", "link.png"))
  symlinkSync(join(base, "elsewhere"), join(root, "unlabeled", "away"))
  symlinkSync(join(root, "unlabeled", "a.png"), join(root, "unlabeled", "inside-link.png"))
  return { root, base }
}

const outcome = (root: string, files: ReadonlyArray<string>, index: number) =>
  Effect.runPromise(
    Effect.match(itemFile(root, files, index), { onFailure: (e) => `${e.status}: ${e.message}`, onSuccess: (f) => `${f.type} ${f.path}` })
  )

describe("the files the labelling server sends: the dataset's own images, nothing else", () => {
  it("sends an item's image, by index, with its type; a link inside the dataset is followed", async () => {
    const { root } = dataset()
    const files = ["unlabeled/a.png", "unlabeled/inner/b.JPG", "unlabeled/inside-link.png"].map((f) => join(root, f))
    expect(await outcome(root, files, 0)).toBe(`image/png ${join(root, "unlabeled", "a.png")}`)
    expect(await outcome(root, files, 1)).toBe(`image/jpeg ${join(root, "unlabeled", "inner", "b.JPG")}`)
    expect(await outcome(root, files, 2)).toBe(`image/png ${join(root, "unlabeled", "a.png")}`)
  })

  it("refuses indices that are no item, '..' paths and symbolic links out of the dataset, and files that are not images", async () => {
    const { root, base } = dataset()
    const files = [
      join(root, "unlabeled", "..", "..", "secret.png"),
      join(root, "unlabeled", "link.png"),
      join(root, "unlabeled", "away", "c.png"),
      join(root, "unlabeled", "notes.txt"),
      join(root, "unlabeled", "missing.png")
    ]
    expect(await outcome(root, files, 0)).toBe("403: item 0: its file lies outside the dataset")
    expect(await outcome(root, files, 1)).toBe("403: item 1: its file lies outside the dataset")
    expect(await outcome(root, files, 2)).toBe("403: item 2: its file lies outside the dataset")
    expect(await outcome(root, files, 3)).toBe("403: item 3 is not an image")
    expect(await outcome(root, files, 4)).toBe("404: item 4: its file is gone")
    for (const index of [-1, 5, 1.5, Number.NaN]) expect(await outcome(root, files, index)).toBe(`404: no item ${index}: expected 0 to 4`)
    // a dataset whose folder name is a prefix of a sibling's: pets vs pets-private
    mkdirSync(join(base, "pets-private"))
    writeFileSync(join(base, "pets-private", "d.png"), "d")
    expect(await outcome(root, [join(base, "pets-private", "d.png")], 0)).toBe("403: item 0: its file lies outside the dataset")
  })
})
