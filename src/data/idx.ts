import { readFile } from "node:fs/promises"
import * as Effect from "effect/Effect"
import { DataError } from "./errors.js"

/** An IDX array (LeCun's MNIST format): its dimensions and its values as a typed array. */
export interface IdxArray {
  readonly dims: ReadonlyArray<number>
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array
}

const types: Record<number, { readonly name: string; readonly bytes: number }> = {
  0x08: { name: "ubyte", bytes: 1 },
  0x09: { name: "byte", bytes: 1 },
  0x0b: { name: "short", bytes: 2 },
  0x0c: { name: "int", bytes: 4 },
  0x0d: { name: "float", bytes: 4 },
  0x0e: { name: "double", bytes: 8 }
}

/**
 * Parses IDX bytes. Unsigned bytes are returned as a view onto `bytes` (no copy); wider types
 * are converted from big-endian once, in one loop.
 */
export const parseIdx = (bytes: Uint8Array, file: string): Effect.Effect<IdxArray, DataError> =>
  Effect.suspend((): Effect.Effect<IdxArray, DataError> => {
    const fail = (message: string) => Effect.fail(new DataError({ file, message }))
    if (bytes.length < 4) return fail(`truncated IDX header: ${bytes.length} bytes, expected at least 4`)
    if (bytes[0] !== 0 || bytes[1] !== 0) return fail(`not an IDX file: magic starts ${bytes[0]} ${bytes[1]}, expected 0 0`)
    const type = types[bytes[2]]
    if (type === undefined) return fail(`unknown IDX data type 0x${bytes[2].toString(16)}`)
    const ndim = bytes[3]
    const header = 4 + 4 * ndim
    if (bytes.length < header) return fail(`truncated IDX header: ${bytes.length} bytes, expected ${header} for ${ndim} dimensions`)
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const dims: Array<number> = []
    for (let d = 0; d < ndim; d++) dims.push(view.getUint32(4 + 4 * d, false))
    const count = dims.reduce((a, b) => a * b, 1)
    const expected = header + count * type.bytes
    if (bytes.length < expected) {
      return fail(
        `truncated IDX data: ${bytes.length} bytes, expected ${expected} for ${type.name}[${dims.join("×")}]`
      )
    }
    switch (type.name) {
      case "ubyte":
        return Effect.succeed({ dims, data: bytes.subarray(header, header + count) })
      case "byte":
        return Effect.succeed({ dims, data: new Int8Array(bytes.buffer, bytes.byteOffset + header, count) })
      default: {
        const data =
          type.name === "short" ? new Int16Array(count)
          : type.name === "int" ? new Int32Array(count)
          : type.name === "float" ? new Float32Array(count)
          : new Float64Array(count)
        const get =
          type.name === "short" ? (o: number) => view.getInt16(o, false)
          : type.name === "int" ? (o: number) => view.getInt32(o, false)
          : type.name === "float" ? (o: number) => view.getFloat32(o, false)
          : (o: number) => view.getFloat64(o, false)
        for (let i = 0, o = header; i < count; i++, o += type.bytes) data[i] = get(o)
        return Effect.succeed({ dims, data })
      }
    }
  })

/** Reads an IDX file; a missing, unreadable or truncated file is a `DataError` naming it. */
export const readIdx = (file: string): Effect.Effect<IdxArray, DataError> =>
  Effect.tryPromise({
    try: () => readFile(file),
    catch: (e) => new DataError({ file, message: `cannot read IDX file: ${(e as Error).message}` })
  }).pipe(Effect.flatMap((buf) => parseIdx(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), file)))
