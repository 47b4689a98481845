import * as Effect from "effect/Effect"
import type { RandomStream } from "../runtime/random.js"
import { type Dataset, size, take } from "./dataset.js"
import { DataConfigError } from "./errors.js"

export type InitialSelection = "random" | "balanced" | "typiclust" | "probcover" | "kmeans"

/** The error for an initial set of `k` from `n` examples, if `k` is not in 0..n. */
export const checkInitialSize = (k: number, n: number): DataConfigError | undefined =>
  Number.isInteger(k) && k >= 0 && k <= n ? undefined : new DataConfigError({ message: `n_init_labeled must be in 0..${n}, got ${k}` })

/**
 * The initial labelled set: `k` indices drawn from `candidates`, uniformly (`random`) or with
 * classes as equal as possible (`balanced`: ⌊k/C⌋ per class, the remainder to randomly chosen
 * classes), as Gal et al. (2017) drew 2 per class. Balanced selection reads the true labels, as
 * the papers do: it simulates a seed set that an annotator chose on purpose.
 */
export const initialIndices = (
  y: Int32Array,
  numClasses: number,
  k: number,
  mode: InitialSelection,
  rng: RandomStream
): Effect.Effect<Int32Array, DataConfigError> =>
  Effect.suspend(() => {
    const wrongSize = checkInitialSize(k, y.length)
    if (wrongSize !== undefined) return Effect.fail(wrongSize)
    const all = new Int32Array(y.length)
    for (let i = 0; i < y.length; i++) all[i] = i
    if (mode === "random") return Effect.succeed(rng.sample(all, k))
    if (mode !== "balanced") return Effect.fail(new DataConfigError({ message: `initial selection '${mode}' needs the examples' features: coldStartIndices` }))
    const byClass: Array<Array<number>> = Array.from({ length: numClasses }, () => [])
    for (const i of rng.permutation(y.length)) byClass[y[i]].push(i)
    const quota = new Int32Array(numClasses).fill(Math.floor(k / numClasses))
    for (const c of rng.sample(Int32Array.from({ length: numClasses }, (_, c) => c), k % numClasses)) quota[c]++
    const short = quota.findIndex((q, c) => q > byClass[c].length)
    if (short >= 0) {
      return Effect.fail(
        new DataConfigError({
          message: `a balanced initial set of ${k} needs ${quota[short]} examples of class ${short}, the data has ${byClass[short].length}`
        })
      )
    }
    return Effect.succeed(Int32Array.from(byClass.flatMap((idx, c) => idx.slice(0, quota[c]))))
  })

/** A seeded subsample of `n` examples (all of them, in order, when n ≥ size). */
export const subsample = (ds: Dataset, n: number | undefined, rng: RandomStream): Dataset => {
  if (n === undefined || n >= size(ds)) return ds
  const idx = rng.sample(Int32Array.from({ length: size(ds) }, (_, i) => i), n).sort()
  return take(ds, idx)
}

/** Splits off a seeded validation set of `n` examples from `ds`. */
export const splitValidation = (
  ds: Dataset,
  n: number,
  rng: RandomStream
): Effect.Effect<{ readonly train: Dataset; readonly validation: Dataset }, DataConfigError> =>
  Effect.suspend(() => {
    if (!Number.isInteger(n) || n < 0 || n >= size(ds)) {
      return Effect.fail(new DataConfigError({ message: `n_validation must be in 0..${size(ds) - 1}, got ${n}` }))
    }
    const perm = rng.permutation(size(ds))
    return Effect.succeed({
      validation: take(ds, perm.subarray(0, n).slice().sort()),
      train: take(ds, perm.subarray(n).slice().sort())
    })
  })
