import { bald } from "./bald.js"
import { stochasticBatch } from "./stochastic-batch.js"

/**
 * SoftrankBALD — Kirsch, Farquhar, Atighehchian, Jesson, Branchaud-Charron & Gal (2023), "Stochastic
 * Batch Acquisition: A Simple Baseline for Deep Active Learning", TMLR.
 * Rule: k candidates drawn without replacement with probability ∝ rank^(−β) of their BALD score
 * (rank 1 = highest; τ = 1/β = 1); only the order of the scores matters.
 * Direction: random, weighted toward the highest-ranked BALD.
 * `stochasticBatch(base, { mode: "softrank" })` for any score.
 */
export const softrank = stochasticBatch(bald, { mode: "softrank", name: "softrank", aliases: ["SoftrankBALD"] })
