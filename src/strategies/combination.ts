import { type ScoredStrategy, unionNeeds } from "./strategy.js"
import { scoredStrategy } from "./scoring.js"

/**
 * Weighted combination of scored strategies, deal's composition (no paper of its own), written
 * `entropy*0.7+bald*0.3` on the command line (its rule and direction: `doc`, below).
 * How: each part's score becomes its percentile rank among the candidates (1 = the end it queries
 * first), so scores on different scales compare; the parts' needs are computed once and shared.
 */
export const weightedCombination = (parts: ReadonlyArray<WeightedPart>, options: { readonly name?: string } = {}): ScoredStrategy => {
  if (parts.length === 0) throw new RangeError("weightedCombination needs at least one part")
  const name = options.name ?? parts.map((p) => `${p.strategy.name}*${p.weight}`).join("+")
  return scoredStrategy({
    name,
    rule: `highest Σ weight · percentile rank of ${parts.map((p) => `${p.weight}·${p.strategy.name}`).join(" + ")} first`,
    citation: "a weighted combination of scores (rank-normalised)",
    direction: "highest",
    needs: unionNeeds(...parts.map((p) => p.strategy.needs)),
    score: (input) => {
      const total = new Float32Array(input.candidates.length)
      for (const p of parts) {
        const r = orientedRanks(p.strategy.score(input), p.strategy.direction)
        for (let i = 0; i < total.length; i++) total[i] += p.weight * r[i]
      }
      return total
    }
  })
}

export interface WeightedPart {
  readonly strategy: ScoredStrategy
  readonly weight: number
}

/** Percentile rank in [0, 1] of each score, oriented so 1 is the end the strategy queries first; ties share their mean rank. */
export const orientedRanks = (scores: Float32Array, direction: "highest" | "lowest"): Float64Array => {
  const n = scores.length
  const key = (i: number) => (Number.isNaN(scores[i]) ? Number.NEGATIVE_INFINITY : direction === "highest" ? scores[i] : -scores[i])
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => key(a) - key(b) || a - b)
  const out = new Float64Array(n)
  for (let r = 0; r < n; ) {
    let e = r
    while (e + 1 < n && key(order[e + 1]) === key(order[r])) e++
    const value = n === 1 ? 1 : (r + e) / 2 / (n - 1)
    for (let j = r; j <= e; j++) out[order[j]] = value
    r = e + 1
  }
  return out
}
