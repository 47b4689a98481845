import type { RandomStream } from "../../runtime/random.js"

/**
 * Seeded tie-break ranks, the one way deal's strategies break ties: `rank[i]` is position i's
 * place in one uniformly random order of 0..n−1 (a single `rng.permutation(n)`). Among equal
 * keys the lower rank wins, so every tied position is equally likely to come first and the
 * choice is reproducible from the stream.
 */
export const tieBreakRanks = (n: number, rng: RandomStream): Int32Array => {
  const order = rng.permutation(n)
  const rank = new Int32Array(n)
  for (let r = 0; r < n; r++) rank[order[r]] = r
  return rank
}
