import { bald } from "./bald.js"
import { stochasticBatch } from "./stochastic-batch.js"

/**
 * PowerBALD — Kirsch, Farquhar, Atighehchian, Jesson, Branchaud-Charron & Gal (2023), "Stochastic
 * Batch Acquisition: A Simple Baseline for Deep Active Learning", TMLR.
 * Rule: k candidates drawn without replacement with probability ∝ BALD^β (τ = 1/β = 1).
 * Direction: random, weighted toward the highest BALD, so a batch is not k near-duplicates.
 * `stochasticBatch(anyScoredStrategy, { mode: "power", temperature })` does the same over any score.
 */
export const power = stochasticBatch(bald, { mode: "power", name: "power", aliases: ["PowerBALD"] })
