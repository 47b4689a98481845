import { bald } from "./bald.js"
import { stochasticBatch } from "./stochastic-batch.js"

/**
 * PowerBALD (its paper, rule and direction: `doc`, below).
 * `stochasticBatch(anyScoredStrategy, { mode: "power", temperature })` does the same over any score.
 */
export const power = stochasticBatch(bald, { mode: "power", name: "power", aliases: ["PowerBALD"] })
