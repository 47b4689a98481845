/**
 * The files the labelling server may send: a dataset's own items, and nothing else. A request
 * names an item by its index in the pool; the item's file is sent only if its real path (every
 * symbolic link followed) lies inside the dataset's folder, so neither `..` in a path nor a link
 * out of the dataset reaches another file.
 */
import { realpath } from "node:fs/promises"
import { extname, sep } from "node:path"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"

/** Why a file is not sent: no such item, or its file lies outside the dataset. */
export class FileRefused extends Data.TaggedError("FileRefused")<{ readonly status: 403 | 404; readonly message: string }> {}

/** The content type of an image the server sends, by extension. */
export const imageTypes: Readonly<Record<string, string>> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp"
}

/** Whether `path` is inside `root` (both real, absolute, normalised paths). */
const inside = (root: string, path: string) => path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`)

/**
 * The file of item `index` of `files` (the pool's ids: image paths) and its content type, if it
 * may be sent: an index out of range is 404; a file whose real path leaves the real `root`, or
 * that is not an image, is 403.
 */
export const itemFile = (root: string, files: ReadonlyArray<string>, index: number): Effect.Effect<{ readonly path: string; readonly type: string }, FileRefused> =>
  Effect.gen(function* () {
    if (!Number.isInteger(index) || index < 0 || index >= files.length) {
      return yield* new FileRefused({ status: 404, message: `no item ${index}: expected 0 to ${files.length - 1}` })
    }
    const type = imageTypes[extname(files[index]).toLowerCase()]
    if (type === undefined) return yield* new FileRefused({ status: 403, message: `item ${index} is not an image` })
    const real = (path: string) => Effect.promise(() => realpath(path).catch(() => undefined))
    const [realRoot, realFile] = [yield* real(root), yield* real(files[index])]
    if (realRoot === undefined || realFile === undefined) return yield* new FileRefused({ status: 404, message: `item ${index}: its file is gone` })
    if (!inside(realRoot, realFile)) return yield* new FileRefused({ status: 403, message: `item ${index}: its file lies outside the dataset` })
    return { path: realFile, type }
  })
