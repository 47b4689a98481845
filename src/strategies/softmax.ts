import { bald } from "./bald.js"
import { stochasticBatch } from "./stochastic-batch.js"

/**
 * SoftmaxBALD (its paper, rule and direction: `doc`, below).
 * `stochasticBatch(base, { mode: "softmax" })` for any score.
 */
export const softmax = stochasticBatch(bald, { mode: "softmax", name: "softmax", aliases: ["SoftmaxBALD"] })
