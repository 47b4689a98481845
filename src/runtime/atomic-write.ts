import { randomBytes } from "node:crypto"
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"

/** A file or folder that could not be written (or removed). */
export class WriteError extends Data.TaggedError("WriteError")<{ readonly file: string; readonly message: string }> {}

/** The suffix of every temporary file or folder deal writes: `NAME.deal-tmp-PID-RANDOM`. */
const TEMP_MARK = ".deal-tmp-"

/** A temporary path beside `target`, unique across processes and hosts sharing a folder. */
const tempBeside = (target: string) => `${target}${TEMP_MARK}${process.pid}-${randomBytes(4).toString("hex")}`

/** Whether `name` is one of deal's temporary files or folders. */
export const isTempName = (name: string): boolean => name.includes(TEMP_MARK)

const failure = (file: string) => (e: unknown) => new WriteError({ file, message: (e as Error).message })

/**
 * Writes `contents` to a temporary file beside `file` and renames it: never half-written. The
 * temporary file is removed when the write fails.
 */
export const writeFileAtomic = (file: string, contents: string | Uint8Array): Effect.Effect<void, WriteError> =>
  Effect.tryPromise({
    try: async () => {
      await mkdir(dirname(file), { recursive: true })
      const tmp = tempBeside(file)
      try {
        await writeFile(tmp, contents)
        await rename(tmp, file)
      } catch (e) {
        await rm(tmp, { force: true })
        throw e
      }
    },
    catch: failure(file)
  })

/**
 * Writes the files of a directory into a temporary sibling and renames it into place; an older
 * directory of the same name (from a round redone after a crash) is replaced. The temporary
 * directory is removed when the write fails.
 */
export const writeDirAtomic = (dir: string, files: Readonly<Record<string, string | Uint8Array>>): Effect.Effect<void, WriteError> =>
  Effect.tryPromise({
    try: async () => {
      const tmp = tempBeside(dir)
      try {
        await mkdir(tmp, { recursive: true })
        for (const [name, contents] of Object.entries(files)) await writeFile(join(tmp, name), contents)
        await rm(dir, { recursive: true, force: true })
        await rename(tmp, dir)
      } catch (e) {
        await rm(tmp, { recursive: true, force: true })
        throw e
      }
    },
    catch: failure(dir)
  })

/** Removes a file or directory if it exists. */
export const removeIfExists = (path: string): Effect.Effect<void, WriteError> =>
  Effect.tryPromise({ try: () => rm(path, { recursive: true, force: true }), catch: failure(path) })

/**
 * Removes the temporary files and folders that killed writes left in `dir` and its
 * sub-folders (`depth` levels down); returns their paths. Call it only while no other process
 * writes there (deal holds the directory's lock).
 */
export const sweepTemp = (dir: string, depth = 2): Effect.Effect<ReadonlyArray<string>, WriteError> =>
  Effect.tryPromise({
    try: async () => {
      const swept: Array<string> = []
      const visit = async (d: string, level: number): Promise<void> => {
        const entries = await readdir(d, { withFileTypes: true }).catch(() => [])
        for (const e of entries) {
          const path = join(d, e.name)
          if (isTempName(e.name)) {
            await rm(path, { recursive: true, force: true })
            swept.push(path)
          } else if (e.isDirectory() && level > 0) await visit(path, level - 1)
        }
      }
      await visit(dir, depth)
      return swept
    },
    catch: failure(dir)
  })
