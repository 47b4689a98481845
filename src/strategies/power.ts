import { bald } from "./bald.js"
import { stochasticBatch } from "./stochastic-batch.js"

/**
 * PowerBALD (Kirsch et al. 2023): k candidates drawn without replacement with probability
 * ∝ BALD^β (τ = 1/β = 1), so high-BALD candidates are likely but a batch is not k near-duplicates.
 * `stochasticBatch(anyScoredStrategy, { mode: "power", temperature })` does the same over any score.
 */
export const power = stochasticBatch(bald, { mode: "power", name: "power", aliases: ["PowerBALD"] })
