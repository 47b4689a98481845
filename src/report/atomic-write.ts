import { mkdir, rename, rm, writeFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import { Effect } from "effect"
import { ReportError } from "./errors.js"

let counter = 0

/** Writes `contents` to a temporary file beside `file` and renames it: never half-written. */
export const writeFileAtomic = (file: string, contents: string | Uint8Array): Effect.Effect<void, ReportError> =>
  Effect.tryPromise({
    try: async () => {
      await mkdir(dirname(file), { recursive: true })
      const tmp = `${file}.${process.pid}.${counter++}.tmp`
      await writeFile(tmp, contents)
      await rename(tmp, file)
    },
    catch: (e) => new ReportError({ file, message: (e as Error).message })
  })

/**
 * Writes the files of a directory into a temporary sibling and renames it into place; an older
 * directory of the same name (from a round redone after a crash) is replaced.
 */
export const writeDirAtomic = (dir: string, files: Readonly<Record<string, string | Uint8Array>>): Effect.Effect<void, ReportError> =>
  Effect.tryPromise({
    try: async () => {
      const tmp = `${dir}.${process.pid}.${counter++}.tmp`
      await mkdir(tmp, { recursive: true })
      for (const [name, contents] of Object.entries(files)) await writeFile(join(tmp, name), contents)
      await rm(dir, { recursive: true, force: true })
      await rename(tmp, dir)
    },
    catch: (e) => new ReportError({ file: dir, message: (e as Error).message })
  })

/** Removes a file or directory if it exists. */
export const removeIfExists = (path: string): Effect.Effect<void, ReportError> =>
  Effect.tryPromise({
    try: () => rm(path, { recursive: true, force: true }),
    catch: (e) => new ReportError({ file: path, message: (e as Error).message })
  })
