import { bald } from "./bald.js"
import { stochasticBatch } from "./stochastic-batch.js"

/**
 * SoftrankBALD (its paper, rule and direction: `doc`, below).
 * How: k candidates drawn without replacement with probability ∝ rank^(−β) of their BALD score
 * (rank 1 = highest; τ = 1/β = 1); only the order of the scores matters.
 * `stochasticBatch(base, { mode: "softrank" })` for any score.
 */
export const softrank = stochasticBatch(bald, { mode: "softrank", name: "softrank", aliases: ["SoftrankBALD"] })
