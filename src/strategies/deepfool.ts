import type * as tf from "@tensorflow/tfjs-core"
import { type AttackResult, deepFoolAttack, type DeepFoolOptions } from "../models/adversarial.js"
import { tidyValue } from "../runtime/tidy-value.js"
import { required, type ModelAccess, type Strategy } from "./strategy.js"
import { topK } from "./kernels/top-k.js"

/**
 * Adversarial DeepFool (its paper, rule and direction: `doc`, below).
 * Batched over candidates, with an iteration cap and overshoot.
 */
export const deepfool = (options: DeepFoolOptions & AdversarialOptions = {}): Strategy => ({
  name: "deepfool",
  aliases: ["AdversarialDeepFool"],
  doc: {
    rule: "smallest squared DeepFool perturbation ‖r‖² that flips the prediction first",
    citation: "Ducoffe & Precup (2018), Adversarial Active Learning for Deep Networks: a Margin Based Approach, arXiv:1802.09841",
    direction: "lowest perturbation first (closest to the boundary)"
  },
  needs: ["model"],
  select: attackSelection("deepfool", options.batchSize, (access, x) => deepFoolAttack(access.model, x, access.numClasses, options))
})

export interface AdversarialOptions {
  /** Candidates attacked at once (default 256). */
  readonly batchSize?: number
}

/**
 * Squared perturbation norms of an attack run over all candidates in batches; candidates the
 * attack cannot move (zero gradient) get +∞, so they are queried last.
 */
export const attackScores = (
  access: ModelAccess,
  n: number,
  batchSize: number,
  attack: (x: tf.Tensor) => AttackResult
): Float32Array => {
  const scores = new Float32Array(n)
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize)
    const result = tidyValue(() => attack(access.features(Int32Array.from({ length: end - start }, (_, j) => start + j))))
    for (let j = 0; j < end - start; j++) scores[start + j] = result.stuck[j] ? Number.POSITIVE_INFINITY : result.squaredNorm[j]
  }
  return scores
}

/**
 * The `select` of an adversarial strategy: attack every candidate in batches and query the
 * smallest squared perturbations first (seeded tie-breaks).
 */
export const attackSelection =
  (name: string, batchSize: number | undefined, attack: (access: ModelAccess, x: tf.Tensor) => AttackResult): Strategy["select"] =>
  (input) => {
    const access = required(input, "model", name)
    const scores = attackScores(access, input.candidates.length, batchSize ?? 256, (x) => attack(access, x))
    return topK(scores, input.k, "lowest", input.rng).map((p) => input.candidates[p])
  }
