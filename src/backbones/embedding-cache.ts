/**
 * Backbone embeddings of a dataset, computed once: the embeddings of both splits are cached in
 * one file keyed by the backbone's identity (model, revision, preprocessing) and the content of
 * every item of both splits (their texts, or their pixels and shape), written atomically; a
 * change to any of them computes the embeddings again.
 */
import { createHash } from "node:crypto"
import { homedir } from "node:os"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import { readCacheFile, writeCacheFile } from "../data/binary-cache.js"
import type { Dataset } from "../data/dataset.js"
import type { Backbone, BackboneError, OnProgress } from "./backbone.js"

const MAGIC = "DEALEMB1"
const CACHE_VERSION = 1

interface EmbeddingCacheHeader {
  readonly version: number
  readonly key: string
  readonly dim: number
  readonly train: number
  readonly test: number
}

/** Where embeddings are cached: $DEAL_CACHE_DIR, else $XDG_CACHE_HOME/deal, else ~/.cache/deal. */
export const defaultCacheDir = (): string =>
  process.env["DEAL_CACHE_DIR"] || join(process.env["XDG_CACHE_HOME"] || join(homedir(), ".cache"), "deal")

/** A digest of a split's items: its texts, or its pixels and their shape. */
const contentDigest = (ds: Dataset): string => {
  const h = createHash("sha256")
  if (ds.texts !== undefined) {
    for (const t of ds.texts) h.update(`${t.length}:`).update(t)
  } else {
    h.update(`shape=${ds.shape.join("x")} n=${ds.y.length}\n`)
    h.update(new Uint8Array(ds.x.buffer, ds.x.byteOffset, ds.x.byteLength))
  }
  return h.digest("hex")
}

/** The cache key of `backbone` on these splits. */
export const embeddingKey = (backbone: Backbone, splits: { readonly train: Dataset; readonly test: Dataset }): string =>
  createHash("sha256")
    .update(JSON.stringify({ magic: MAGIC, version: CACHE_VERSION, backbone: backbone.identity, train: contentDigest(splits.train), test: contentDigest(splits.test) }))
    .digest("hex")
    .slice(0, 24)

/** A file-name-safe form of a backbone's name (its last path part for a folder). */
const slug = (name: string) => name.replace(/[\\/]+$/, "").split(/[\\/]/).pop()!.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 60)

/**
 * The embeddings of `splits` by `backbone`: read from the cache in `cacheDir` (default
 * {@link defaultCacheDir}; `false`: no cache) or computed and written there.
 */
export const cachedEmbeddings = (
  backbone: Backbone,
  splits: { readonly train: Dataset; readonly test: Dataset },
  options: { readonly cacheDir?: string | false; readonly onProgress?: OnProgress } = {}
): Effect.Effect<{ readonly train: Float32Array; readonly test: Float32Array; readonly dim: number; readonly cached: boolean }, BackboneError> =>
  Effect.gen(function* () {
    const dir = options.cacheDir === false ? undefined : (options.cacheDir ?? defaultCacheDir())
    const key = embeddingKey(backbone, splits)
    // one stem per backbone and dataset name: a changed input replaces its older cache
    const stem = `embeddings-${slug(backbone.name)}-${createHash("sha256").update(`${backbone.name}\n${splits.train.name}`).digest("hex").slice(0, 8)}`
    const file = dir && join(dir, `${stem}-${key}.bin`)
    const hit = file
      ? yield* readCacheFile<EmbeddingCacheHeader>(file, MAGIC, { version: CACHE_VERSION, key }, (h) => 4 * h.dim * (h.train + h.test))
      : undefined
    if (hit !== undefined) {
      const { dim, train } = hit.header
      const all = new Float32Array(hit.payload.slice().buffer)
      return { train: all.subarray(0, train * dim), test: all.subarray(train * dim), dim, cached: true }
    }
    const computed = yield* backbone.embed(splits, options.onProgress ?? (() => Effect.void))
    if (dir && file) {
      const payload = new Uint8Array(4 * (computed.train.length + computed.test.length))
      payload.set(new Uint8Array(computed.train.buffer, computed.train.byteOffset, computed.train.byteLength))
      payload.set(new Uint8Array(computed.test.buffer, computed.test.byteOffset, computed.test.byteLength), computed.train.byteLength)
      const header: EmbeddingCacheHeader = { version: CACHE_VERSION, key, dim: computed.dim, train: splits.train.y.length, test: splits.test.y.length }
      yield* writeCacheFile(dir, file, MAGIC, header, payload)
    }
    return { ...computed, cached: false }
  })
