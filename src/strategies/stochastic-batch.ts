import type { RandomStream } from "../runtime/random.js"
import type { ScoredStrategy, Strategy } from "./strategy.js"
import { topK } from "./kernels/top-k.js"

/**
 * Stochastic batch acquisition (its paper, rule and direction: `doc`, below).
 * How: instead of the top k of a score, draw k candidates without replacement with probability ∝
 * the score's power, softmax or softrank weight at temperature τ, over any scored strategy.
 */
export const stochasticBatch = (base: ScoredStrategy, options: StochasticBatchOptions): Strategy => {
  const temperature = options.temperature ?? 1
  if (!(temperature > 0)) throw new RangeError(`temperature must be > 0, got ${temperature}`)
  const weight = { power: "s^β", softmax: "exp(β·s)", softrank: "rank^(−β)" }[options.mode]
  return {
    name: options.name ?? `${options.mode}-${base.name}`,
    aliases: options.aliases ?? [],
    doc: {
      rule: `draw k without replacement with probability ∝ ${weight} of ${base.name}'s score (β = 1/τ, τ = ${temperature})`,
      citation:
        "Kirsch, Farquhar, Atighehchian, Jesson, Branchaud-Charron & Gal (2023), Stochastic Batch Acquisition: A Simple Baseline for Deep Active Learning, TMLR",
      direction: `random, weighted toward the ${base.direction} ${base.name} scores`
    },
    needs: base.needs,
    select: (input) => {
      const keys = stochasticKeys(base.score(input), base.direction, options.mode, temperature, input.rng)
      return topK(keys, input.k, "highest", input.rng).map((p) => input.candidates[p])
    }
  }
}

/** How scores become sampling weights (Kirsch et al. 2023). */
export type StochasticMode = "power" | "softmax" | "softrank"

export interface StochasticBatchOptions {
  readonly mode: StochasticMode
  /** Temperature τ = 1/β (default 1); → 0 approaches top-k, → ∞ approaches random. */
  readonly temperature?: number
  readonly name?: string
  readonly aliases?: ReadonlyArray<string>
}

/** A standard Gumbel draw −log(−log u), u uniform in (0, 1). */
const gumbel = (rng: RandomStream): number => -Math.log(-Math.log((rng.nextUint32() + 0.5) / 4294967296))

/**
 * Sampling keys whose top k are a draw of k candidates without replacement with probability
 * ∝ weight (the Gumbel-top-k trick): power w = s^β, softmax w = exp(β·s), softrank w = rank^(−β),
 * with β = 1/τ and s the score oriented so that higher is queried first (a lowest-first score
 * s becomes max(s) − s for power, −s for softmax).
 */
export const stochasticKeys = (
  scores: Float32Array,
  direction: "highest" | "lowest",
  mode: StochasticMode,
  temperature: number,
  rng: RandomStream
): Float64Array => {
  const n = scores.length
  const beta = 1 / temperature
  const oriented = new Float64Array(n)
  let max = Number.NEGATIVE_INFINITY
  for (let i = 0; i < n; i++) if (scores[i] > max) max = scores[i]
  for (let i = 0; i < n; i++) {
    const s = scores[i]
    oriented[i] = Number.isNaN(s) ? Number.NaN : direction === "highest" ? s : mode === "power" ? max - s : -s
  }
  const logWeight = new Float64Array(n)
  if (mode === "softrank") {
    const rankOrder = topK(oriented, n, "highest", rng)
    rankOrder.forEach((pos, r) => (logWeight[pos] = -beta * Math.log(r + 1)))
  } else {
    for (let i = 0; i < n; i++) {
      const s = oriented[i]
      logWeight[i] = Number.isNaN(s) ? Number.NEGATIVE_INFINITY : mode === "power" ? (s > 0 ? beta * Math.log(s) : Number.NEGATIVE_INFINITY) : beta * s
    }
  }
  const keys = new Float64Array(n)
  for (let i = 0; i < n; i++) keys[i] = logWeight[i] + gumbel(rng)
  return keys
}
