import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, relative, sep } from "node:path"
import { gunzipSync, gzipSync } from "node:zlib"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { DataError } from "../data/errors.js"
import { isTempName } from "../runtime/atomic-write.js"
import { WriteError } from "../runtime/atomic-write.js"
import { runFile } from "./run-files.js"

/**
 * A run directory as one string: its files (relative paths, bytes), gzipped and in base64, as a
 * queue job carries a run between machines that share no directory (`deal worker`). The
 * writer's lock and temporary files never travel; the models (`models/round-NNNN/`) only when
 * asked, since only a warm-started run needs them to resume.
 */
const Bundle = Schema.Struct({ deal: Schema.Literal("run-bundle/1"), files: Schema.Record({ key: Schema.String, value: Schema.String }) })

const modelsFolder = "models"

/** The files under `dir`, as paths relative to it with `/` separators. */
const listFiles = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"))

/**
 * Packs the run in `dir` (read synchronously, so that a round's reporter packs exactly the files
 * of the round it reports).
 */
export const packRun = (dir: string, options: { readonly weights: boolean }): Effect.Effect<string, DataError> =>
  Effect.try({
    try: () => {
      const files: Record<string, string> = {}
      for (const path of listFiles(dir).sort()) {
        if (path === runFile.lock || isTempName(path) || (!options.weights && path.startsWith(`${modelsFolder}/`))) continue
        files[path] = readFileSync(join(dir, path)).toString("base64")
      }
      return gzipSync(JSON.stringify({ deal: "run-bundle/1", files } satisfies typeof Bundle.Type)).toString("base64")
    },
    catch: (e) => new DataError({ file: dir, message: `cannot pack the run: ${(e as Error).message}` })
  })

/** A path of a bundle that stays inside the directory it is unpacked into. */
const safePath = (path: string) => path !== "" && !path.startsWith("/") && !path.split("/").some((part) => part === ".." || part === "" || part === ".")

/**
 * Replaces `dir` with the run a bundle holds: the files are written into a temporary sibling,
 * which is renamed into place, so `dir` never holds a mixture of two runs. A bundle
 * that cannot be read, or names a path outside `dir`, is refused and changes nothing.
 */
export const unpackRun = (bundle: string, dir: string): Effect.Effect<void, DataError | WriteError> =>
  Effect.gen(function* () {
    const decoded = Either.flatMap(
      Either.try(() => JSON.parse(gunzipSync(Buffer.from(bundle, "base64")).toString("utf8")) as unknown),
      (json) => Schema.decodeUnknownEither(Bundle)(json)
    )
    if (Either.isLeft(decoded)) return yield* new DataError({ file: dir, message: "the run bundle cannot be read: expected a deal run bundle (gzipped JSON in base64)" })
    const paths = Object.keys(decoded.right.files)
    const unsafe = paths.find((p) => !safePath(p))
    if (unsafe !== undefined) return yield* new DataError({ file: dir, message: `the run bundle names ${JSON.stringify(unsafe)}: expected paths inside the run directory` })
    yield* Effect.try({
      try: () => {
        const tmp = `${dir}.deal-tmp-${process.pid}-bundle`
        rmSync(tmp, { recursive: true, force: true })
        for (const path of paths) {
          const file = join(tmp, path)
          mkdirSync(dirname(file), { recursive: true })
          writeFileSync(file, Buffer.from(decoded.right.files[path], "base64"))
        }
        mkdirSync(tmp, { recursive: true })
        rmSync(dir, { recursive: true, force: true })
        mkdirSync(dirname(dir), { recursive: true })
        renameSync(tmp, dir)
      },
      catch: (e) => new WriteError({ file: dir, message: `cannot write the run: ${(e as Error).message}` })
    })
  })
