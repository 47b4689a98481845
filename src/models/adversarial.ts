import * as tf from "@tensorflow/tfjs-core"
import { tidyValue } from "../runtime/tidy-value.js"
import type * as tfl from "@tensorflow/tfjs-layers"
import { argmaxRows } from "./metrics.js"

/**
 * Batched adversarial attacks on a softmax classifier, for the adversarial query strategies. Each
 * works on a batch of examples at once, keeps the examples not yet fooled as the active set, and
 * stops at an iteration cap, so it terminates on a model that cannot be fooled.
 */

export interface AttackResult {
  /** Squared norm of the perturbation that flipped the prediction (or the last one tried). */
  readonly squaredNorm: Float32Array
  /** Iterations each example took. */
  readonly iterations: Int32Array
  /** 1 where the predicted class changed within the cap. */
  readonly fooled: Uint8Array
  /** 1 where the attack could not move (zero gradient): the model cannot be fooled there. */
  readonly stuck: Uint8Array
}

/** Log class probabilities: their differences are the logit differences DeepFool uses. */
const logProbabilities = (model: tfl.LayersModel, x: tf.Tensor): tf.Tensor2D =>
  tf.log(tf.maximum(model.apply(x, { training: false }) as tf.Tensor, 1e-30)) as tf.Tensor2D


/** One iteration's move for the active examples: the change to each perturbation, and whether it moves at all. */
interface AttackStep {
  /** [a × F] change of each active example's perturbation. */
  readonly delta: Float32Array
  /** 0 where the gradient vanished: the attack cannot move that example. */
  readonly moves: Uint8Array
}

/**
 * The batched driver both attacks share: the perturbed input is x0 + scale·p; each iteration
 * predicts the active examples, retires those whose class flipped (fooled), that cannot move
 * (stuck) or that reached `maxIterations`, and lets `step` move the rest, all at once.
 */
const iterativeAttack = (
  model: tfl.LayersModel,
  x0: tf.Tensor,
  numClasses: number,
  maxIterations: number,
  scale: number,
  step: (x: tf.Tensor, logp: tf.Tensor2D, oneHot: tf.Tensor2D) => AttackStep
): AttackResult => {
  const b = x0.shape[0]
  const shape = x0.shape.slice(1)
  const F = shape.reduce((a, v) => a * v, 1)
  const p = new Float32Array(b * F)
  const result: AttackResult = { squaredNorm: new Float32Array(b), iterations: new Int32Array(b), fooled: new Uint8Array(b), stuck: new Uint8Array(b) }
  const original = tidyValue(() => argmaxRows(logProbabilities(model, x0).dataSync() as Float32Array, numClasses))
  let active = Int32Array.from({ length: b }, (_, i) => i)
  for (let it = 0; it <= maxIterations && active.length > 0; it++) {
    const a = active.length
    const pActive = new Float32Array(a * F)
    active.forEach((i, j) => pActive.set(p.subarray(i * F, (i + 1) * F), j * F))
    const { labels, delta, moves } = tidyValue(() => {
      const x = tf.add(tf.gather(x0, tf.tensor1d(active, "int32")), tf.mul(scale, tf.tensor(pActive, [a, ...shape])))
      const logp = logProbabilities(model, x)
      const labels = argmaxRows(logp.dataSync() as Float32Array, numClasses)
      if (it === maxIterations) return { labels, delta: new Float32Array(0), moves: new Uint8Array(0) }
      const oneHot = tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(active, (i) => original[i]), "int32"), numClasses), "float32") as tf.Tensor2D
      return { labels, ...step(x, logp, oneHot) }
    })
    const still: Array<number> = []
    active.forEach((i, j) => {
      const fooled = labels[j] !== original[i]
      if (fooled || it === maxIterations || moves[j] === 0) {
        result.fooled[i] = fooled ? 1 : 0
        result.stuck[i] = !fooled && it < maxIterations ? 1 : 0
        result.iterations[i] = it
        return
      }
      for (let q = 0; q < F; q++) p[i * F + q] += delta[j * F + q]
      still.push(i)
    })
    active = Int32Array.from(still)
  }
  for (let i = 0; i < b; i++) {
    let s = 0
    for (let q = i * F; q < (i + 1) * F; q++) s += (scale * p[q]) ** 2
    result.squaredNorm[i] = s
  }
  return result
}

export interface DeepFoolOptions {
  /** Iterations per example at most (default 50, as DeepAL). */
  readonly maxIterations?: number
  /** The perturbation applied is (1 + overshoot)·r (default 0.02, as Moosavi-Dezfooli et al.). */
  readonly overshoot?: number
}

/**
 * DeepFool (Moosavi-Dezfooli, Fawzi & Frossard 2016) on a batch x0 [b, ...shape]: each iteration
 * linearises the classifier at x0 + (1 + overshoot)·r and steps to the nearest linearised
 * boundary, r += (|f_l| + 1e-4)/‖w_l‖² · w_l, with f_k = z_k − z_ŷ and w_k = ∇f_k, until the
 * predicted class changes or `maxIterations`. The Jacobian of all C classes is taken for the
 * whole active batch at once.
 */
export const deepFoolAttack = (model: tfl.LayersModel, x0: tf.Tensor, numClasses: number, options: DeepFoolOptions = {}): AttackResult => {
  const C = numClasses
  return iterativeAttack(model, x0, C, options.maxIterations ?? 50, 1 + (options.overshoot ?? 0.02), (x, logp, oneHot) => {
    const a = x.shape[0]
    const F = x.size / a
    // Jacobian [a, C, F]: one gradient of Σ_batch log p_c per class
    const grads = Array.from({ length: C }, (_, c) =>
      tf.reshape(tf.grad((xx: tf.Tensor) => tf.sum(tf.slice(logProbabilities(model, xx), [0, c], [-1, 1])))(x), [a, 1, F])
    )
    const J = tf.concat(grads, 1)
    const jy = tf.sum(tf.mul(J, tf.expandDims(oneHot, 2)), 1, true) // [a, 1, F]
    const w = tf.sub(J, jy) // [a, C, F]
    const f = tf.sub(logp, tf.sum(tf.mul(logp, oneHot), 1, true)) // [a, C]
    const norm = tf.sqrt(tf.sum(tf.square(w), 2)) // [a, C]
    const ratio = tf.where(tf.cast(oneHot, "bool"), tf.fill([a, C], Number.POSITIVE_INFINITY), tf.div(tf.abs(f), tf.add(norm, 1e-12)))
    const lHot = tf.expandDims(tf.cast(tf.oneHot(tf.argMin(ratio, 1), C), "float32"), 2)
    const wl = tf.sum(tf.mul(w, lHot), 1) // [a, F]
    const fl = tf.sum(tf.mul(tf.abs(f), tf.squeeze(lHot, [2])), 1) // [a]
    const nl = tf.sum(tf.square(wl), 1) // [a]
    const coef = tf.div(tf.add(fl, 1e-4), tf.maximum(nl, 1e-30))
    const wNorm = nl.dataSync() as Float32Array
    return { delta: tf.mul(wl, tf.expandDims(coef, 1)).dataSync() as Float32Array, moves: Uint8Array.from(wNorm, (v) => (v > 1e-20 ? 1 : 0)) }
  })
}

export interface BimOptions {
  /** Step size ε of each signed-gradient step (default 0.05, as DeepAL). */
  readonly epsilon?: number
  /** Iterations per example at most (default 50; DeepAL's loop has none). */
  readonly maxIterations?: number
}

/**
 * The basic iterative method (Kurakin, Goodfellow & Bengio 2017) on a batch x0: x ← x + ε·sign(∇ₓ
 * CE(f(x), ŷ)) away from the originally predicted class ŷ until the prediction changes or
 * `maxIterations`; a zero gradient stops an example at once.
 */
export const bimAttack = (model: tfl.LayersModel, x0: tf.Tensor, numClasses: number, options: BimOptions = {}): AttackResult => {
  const epsilon = options.epsilon ?? 0.05
  return iterativeAttack(model, x0, numClasses, options.maxIterations ?? 50, 1, (x, _logp, oneHot) => {
    const a = x.shape[0]
    // ∇ₓ of the cross-entropy −Σ log p_ŷ (per example, the batch sum separates)
    const g = tf.grad((xx: tf.Tensor) => tf.neg(tf.sum(tf.mul(logProbabilities(model, xx), oneHot))))(x)
    const sign = tf.reshape(tf.sign(g), [a, -1]).dataSync() as Float32Array
    const F = sign.length / a
    const moves = new Uint8Array(a)
    for (let j = 0; j < a; j++) for (let q = j * F; q < (j + 1) * F && moves[j] === 0; q++) if (sign[q] !== 0) moves[j] = 1
    return { delta: sign.map((s) => epsilon * s), moves }
  })
}
