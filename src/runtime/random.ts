/**
 * Seeded randomness. Every random choice in deal (initial set, splits, weight init, minibatch
 * order, dropout masks, tie-breaks) comes from a {@link RandomStream} derived from the run's
 * seed and a path naming its purpose (`["round", 3, "select"]`). Streams for different purposes
 * are independent, so adding a draw in one stage never shifts another stage's numbers, and a
 * stream for round r can be re-created on resume without replaying rounds 0..r-1.
 *
 * The generator is sfc32 (Doty-Humphrey's small fast counting generator): 128 bits of state,
 * passes PractRand, and its state is four uint32s that can be saved and restored.
 */

/** 32-bit mix (murmur3 finaliser). */
const fmix32 = (h: number): number => {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** Hashes a seed and a purpose path into a 32-bit seed. Pure and stable across versions. */
export const deriveSeed = (seed: number, ...path: ReadonlyArray<string | number>): number => {
  let h = fmix32((seed >>> 0) ^ 0x9e3779b9)
  const text = path.join("\u0000")
  for (let i = 0; i < text.length; i++) {
    h = fmix32(h ^ Math.imul(text.charCodeAt(i) + 1, 0xcc9e2d51))
  }
  return fmix32(h ^ text.length)
}

export type RandomState = readonly [number, number, number, number]

/**
 * A seeded stream of random numbers for one purpose: `RandomStream.make(seed, ...path)`; its state saves and restores.
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import { Runtime } from "deal-active-learning"
 *
 * // A seeded stream for one purpose: the same seed and path give the same draws, another path others.
 * const a = Runtime.RandomStream.make(1, "round", 3, "select")
 * const b = Runtime.RandomStream.make(1, "round", 3, "select")
 * assert.deepStrictEqual(Array.from(a.permutation(5)), Array.from(b.permutation(5)))
 * const other = Runtime.RandomStream.make(1, "round", 4, "select").sample(Int32Array.of(10, 20, 30, 40, 50), 2)
 * assert.strictEqual(new Set(other).size, 2)
 * ```
 */
export class RandomStream {
  private a: number
  private b: number
  private c: number
  private d: number

  private constructor(state: RandomState) {
    ;[this.a, this.b, this.c, this.d] = state
  }

  /** A stream for `seed` and a purpose path. */
  static make(seed: number, ...path: ReadonlyArray<string | number>): RandomStream {
    const s = deriveSeed(seed, ...path)
    const stream = new RandomStream([0x9e3779b9, s, fmix32(s ^ 0x243f6a88), 1])
    for (let i = 0; i < 12; i++) stream.nextUint32()
    return stream
  }

  static fromState(state: RandomState): RandomStream {
    return new RandomStream(state)
  }

  state(): RandomState {
    return [this.a, this.b, this.c, this.d]
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!(n > 0) || n > 4294967296) throw new RangeError(`int(n) needs 0 < n <= 2^32, got ${n}`)
    const limit = 4294967296 - (4294967296 % n)
    let x = this.nextUint32()
    while (x >= limit) x = this.nextUint32()
    return x % n
  }

  /** A seed for a tfjs op or initialiser (tfjs takes numbers and feeds them to seedrandom). */
  seed(): number {
    return this.nextUint32()
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n)
    for (let i = 0; i < n; i++) out[i] = i
    return this.shuffleInPlace(out)
  }

  shuffleInPlace<A extends { length: number; [i: number]: number }>(xs: A): A {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = xs[i]
      xs[i] = xs[j]
      xs[j] = t
    }
    return xs
  }

  /** k distinct elements of `from` chosen uniformly (partial Fisher-Yates on a copy). */
  sample(from: Int32Array, k: number): Int32Array {
    const xs = Int32Array.from(from)
    const m = Math.min(k, xs.length)
    for (let i = 0; i < m; i++) {
      const j = i + this.int(xs.length - i)
      const t = xs[i]
      xs[i] = xs[j]
      xs[j] = t
    }
    return xs.slice(0, m)
  }
}
