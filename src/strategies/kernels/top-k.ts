import type { RandomStream } from "../../runtime/random.js"
import type { Direction } from "../strategy.js"
import { tieBreakRanks } from "./tie-break.js"

/**
 * Positions of the k best scores (highest or lowest first), ties broken by seeded ranks
 * (`tieBreakRanks`), NaN scores last. Returns min(k, n) distinct positions into `scores`.
 */
export const topK = (scores: ArrayLike<number>, k: number, direction: Direction, rng: RandomStream): Int32Array => {
  const n = scores.length
  const sign = direction === "highest" ? -1 : 1
  const key = new Float64Array(n)
  for (let i = 0; i < n; i++) key[i] = Number.isNaN(scores[i]) ? Number.POSITIVE_INFINITY : sign * scores[i]
  const rank = tieBreakRanks(n, rng)
  // (key, rank) is a total order, so the sorted result does not depend on the starting order
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => key[a] - key[b] || rank[a] - rank[b])
  return order.slice(0, Math.min(Math.max(0, k), n))
}
