import { mkdir, rename, writeFile } from "node:fs/promises"
import { dirname } from "node:path"
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
