/**
 * The immutable pool of an active-learning run: which training examples are labelled, in the
 * order they were acquired. Labelling returns a new pool; a pool is never mutated.
 */
export interface Pool {
  readonly size: number
  /** Labelled indices in acquisition order. */
  readonly labeled: Int32Array
  /** mask[i] = 1 when example i is labelled. */
  readonly mask: Uint8Array
}

export const emptyPool = (size: number): Pool => ({ size, labeled: new Int32Array(0), mask: new Uint8Array(size) })

/** The pool with `indices` labelled too. Fails on an out-of-range or already-labelled index. */
export const labelIndices = (pool: Pool, indices: ArrayLike<number>): Pool => {
  const mask = pool.mask.slice()
  const labeled = new Int32Array(pool.labeled.length + indices.length)
  labeled.set(pool.labeled)
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]
    if (!Number.isInteger(i) || i < 0 || i >= pool.size) throw new RangeError(`index ${i} is outside the pool of ${pool.size}`)
    if (mask[i] === 1) throw new RangeError(`index ${i} is already labelled`)
    mask[i] = 1
    labeled[pool.labeled.length + j] = i
  }
  return { size: pool.size, labeled, mask }
}

export const poolFromLabeled = (size: number, labeled: ArrayLike<number>): Pool => labelIndices(emptyPool(size), labeled)

export const unlabeledCount = (pool: Pool): number => pool.size - pool.labeled.length

/** Unlabelled indices in increasing order. */
export const unlabeledIndices = (pool: Pool): Int32Array => {
  const out = new Int32Array(unlabeledCount(pool))
  for (let i = 0, j = 0; i < pool.size; i++) if (pool.mask[i] === 0) out[j++] = i
  return out
}

export const isLabeled = (pool: Pool, i: number): boolean => pool.mask[i] === 1
