import { bald } from "./bald.js"
import { stochasticBatch } from "./stochastic-batch.js"

/**
 * SoftmaxBALD — Kirsch, Farquhar, Atighehchian, Jesson, Branchaud-Charron & Gal (2023), "Stochastic
 * Batch Acquisition: A Simple Baseline for Deep Active Learning", TMLR.
 * Rule: k candidates drawn without replacement with probability ∝ exp(β·BALD) (τ = 1/β = 1).
 * Direction: random, weighted toward the highest BALD.
 * `stochasticBatch(base, { mode: "softmax" })` for any score.
 */
export const softmax = stochasticBatch(bald, { mode: "softmax", name: "softmax", aliases: ["SoftmaxBALD"] })
