import { bald } from "./bald.js"
import { stochasticBatch } from "./stochastic-batch.js"

/**
 * SoftmaxBALD (Kirsch et al. 2023): k candidates drawn without replacement with probability
 * ∝ exp(β·BALD) (τ = 1/β = 1). `stochasticBatch(base, { mode: "softmax" })` for any score.
 */
export const softmax = stochasticBatch(bald, { mode: "softmax", name: "softmax", aliases: ["SoftmaxBALD"] })
