import * as tf from "@tensorflow/tfjs-core"
import { tidyValue } from "../runtime/tidy-value.js"
import type { SelectionInput, Strategy } from "./strategy.js"

/**
 * Subsampling, a wrapper any strategy composes with: what `--pool_subset` does for a whole run
 * (its rule and direction: `doc`, below).
 * How: the base strategy, on a seeded random subset of max(m, k) candidates (all of them when
 * fewer).
 */
export const subsample = (base: Strategy, m: number): Strategy => {
  if (!(Number.isInteger(m) && m > 0)) throw new RangeError(`subsample needs a positive whole number of candidates, got ${m}`)
  return {
    name: `subsample(${base.name},${m})`,
    aliases: [],
    doc: {
      rule: `${base.name} on a seeded random subset of ${m} candidates`,
      citation: "pool subsampling (Gal et al. 2017 scored 2,000 of the pool per round)",
      direction: base.doc.direction ?? "the base strategy's"
    },
    needs: base.needs,
    select: (input) => {
      const n = input.candidates.length
      const size = Math.max(m, input.k)
      if (n <= size) return base.select(input)
      const positions = input.rng.sample(Int32Array.from({ length: n }, (_, i) => i), size).sort()
      return tidyValue(() => base.select(restrict(input, positions)))
    }
  }
}

/** The input with only the candidates at `positions` (sorted), every per-candidate tensor gathered. Call it inside a tidy. */
const restrict = (input: SelectionInput, positions: Int32Array): SelectionInput => {
  const idx = tf.tensor1d(positions, "int32")
  const rows = <T extends tf.Tensor>(t: T | undefined): T | undefined => (t === undefined ? undefined : (tf.gather(t, idx) as T))
  return {
    ...input,
    candidates: positions.map((p) => input.candidates[p]),
    probabilities: rows(input.probabilities),
    mcProbabilities: rows(input.mcProbabilities),
    embeddings: rows(input.embeddings),
    gradientEmbeddings: input.gradientEmbeddings && { residual: rows(input.gradientEmbeddings.residual)!, features: rows(input.gradientEmbeddings.features)! },
    model: input.model && { ...input.model, features: (p) => input.model!.features(Array.from(p, (i) => positions[i])) }
  }
}
