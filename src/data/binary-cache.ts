/**
 * deal's cache files (decoded image folders, backbone embeddings): an 8-byte magic, the header's
 * length (u32, little-endian), a JSON header carrying the format version and the key of every
 * input the payload depends on, then the payload's bytes. A file is written beside a temporary
 * name and renamed (never half-written); a file whose magic, version, key or length does not
 * match is not read. A cache only saves time: a failure to write one is ignored.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import * as Effect from "effect/Effect"

export interface CacheHeader {
  readonly version: number
  readonly key: string
}

/**
 * The header and payload of `file`, or undefined when it is absent, unreadable, of another
 * format or version, keyed otherwise, or not `payloadBytes(header)` long.
 */
export const readCacheFile = <H extends CacheHeader>(
  file: string,
  magic: string,
  expected: CacheHeader,
  payloadBytes: (header: H) => number
): Effect.Effect<{ readonly header: H; readonly payload: Uint8Array } | undefined> =>
  Effect.promise(async () => {
    try {
      const buf = await readFile(file)
      if (buf.toString("latin1", 0, 8) !== magic) return undefined
      const headerLength = buf.readUInt32LE(8)
      const header = JSON.parse(buf.toString("utf8", 12, 12 + headerLength)) as H
      if (header.version !== expected.version || header.key !== expected.key) return undefined
      const size = payloadBytes(header)
      if (buf.length !== 12 + headerLength + size) return undefined
      return { header, payload: new Uint8Array(buf.buffer, buf.byteOffset + 12 + headerLength, size) }
    } catch {
      return undefined
    }
  })

/**
 * Writes `file` in `dir` atomically, then removes the other caches of the same stem (its name up
 * to the final `-<hex key>.bin`): a changed input leaves one cache, not one per version.
 */
export const writeCacheFile = (dir: string, file: string, magic: string, header: CacheHeader, payload: Uint8Array): Effect.Effect<void> =>
  Effect.promise(async () => {
    try {
      await mkdir(dir, { recursive: true })
      const json = Buffer.from(JSON.stringify(header), "utf8")
      const prefix = Buffer.alloc(12)
      prefix.write(magic, 0, "latin1")
      prefix.writeUInt32LE(json.length, 8)
      const tmp = `${file}.${process.pid}.tmp`
      await writeFile(tmp, Buffer.concat([prefix, json, payload]))
      await rename(tmp, file)
      const stem = file.slice(dir.length + 1).replace(/-[0-9a-f]+\.bin$/, "-")
      for (const other of await readdir(dir)) {
        if (other.startsWith(stem) && other.endsWith(".bin") && join(dir, other) !== file) await rm(join(dir, other), { force: true })
      }
    } catch {
      // The cache only saves time: a folder we cannot write to is computed again next time.
    }
  })
