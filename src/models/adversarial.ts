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
  const maxIterations = options.maxIterations ?? 50
  const overshoot = options.overshoot ?? 0.02
  const b = x0.shape[0]
  const shape = x0.shape.slice(1)
  const F = shape.reduce((a, v) => a * v, 1)
  const C = numClasses
  const r = new Float32Array(b * F)
  const result: AttackResult = { squaredNorm: new Float32Array(b), iterations: new Int32Array(b), fooled: new Uint8Array(b), stuck: new Uint8Array(b) }
  const original = tidyValue(() => argmaxRows(logProbabilities(model, x0).dataSync() as Float32Array, C))
  let active = Int32Array.from({ length: b }, (_, i) => i)
  for (let it = 0; it <= maxIterations && active.length > 0; it++) {
    const a = active.length
    const rActive = new Float32Array(a * F)
    active.forEach((i, j) => rActive.set(r.subarray(i * F, (i + 1) * F), j * F))
    const { labels, step, wNorm } = tidyValue(() => {
      const idx = tf.tensor1d(active, "int32")
      const x = tf.add(tf.gather(x0, idx), tf.mul(1 + overshoot, tf.tensor(rActive, [a, ...shape])))
      const logp = logProbabilities(model, x)
      const labels = argmaxRows(logp.dataSync() as Float32Array, C)
      if (it === maxIterations) return { labels, step: new Float32Array(0), wNorm: new Float32Array(0) }
      // Jacobian [a, C, F]: one gradient of Σ_batch log p_c per class
      const grads = Array.from({ length: C }, (_, c) =>
        tf.reshape(tf.grad((xx: tf.Tensor) => tf.sum(tf.slice(logProbabilities(model, xx), [0, c], [-1, 1])))(x), [a, 1, F])
      )
      const J = tf.concat(grads, 1)
      const y0 = tf.tensor1d(Int32Array.from(active, (i) => original[i]), "int32")
      const oneHot = tf.oneHot(y0, C)
      const jy = tf.sum(tf.mul(J, tf.expandDims(tf.cast(oneHot, "float32"), 2)), 1, true) // [a, 1, F]
      const w = tf.sub(J, jy) // [a, C, F]
      const f = tf.sub(logp, tf.sum(tf.mul(logp, tf.cast(oneHot, "float32")), 1, true)) // [a, C]
      const norm = tf.sqrt(tf.sum(tf.square(w), 2)) // [a, C]
      const ratio = tf.where(tf.cast(oneHot, "bool"), tf.fill([a, C], Number.POSITIVE_INFINITY), tf.div(tf.abs(f), tf.add(norm, 1e-12)))
      const l = tf.argMin(ratio, 1)
      const lHot = tf.expandDims(tf.cast(tf.oneHot(l, C), "float32"), 2)
      const wl = tf.sum(tf.mul(w, lHot), 1) // [a, F]
      const fl = tf.sum(tf.mul(tf.abs(f), tf.squeeze(lHot, [2])), 1) // [a]
      const nl = tf.sum(tf.square(wl), 1) // [a]
      const coef = tf.div(tf.add(fl, 1e-4), tf.maximum(nl, 1e-30))
      const step = tf.mul(wl, tf.expandDims(coef, 1))
      return { labels, step: step.dataSync() as Float32Array, wNorm: nl.dataSync() as Float32Array }
    })
    const still: Array<number> = []
    active.forEach((i, j) => {
      if (labels[j] !== original[i]) {
        result.fooled[i] = 1
        result.iterations[i] = it
        return
      }
      if (it === maxIterations) {
        result.iterations[i] = it
        return
      }
      if (!(wNorm[j] > 1e-20)) {
        result.stuck[i] = 1
        result.iterations[i] = it
        return
      }
      for (let q = 0; q < F; q++) r[i * F + q] += step[j * F + q]
      still.push(i)
    })
    active = Int32Array.from(still)
  }
  for (let i = 0; i < b; i++) {
    let s = 0
    for (let q = i * F; q < (i + 1) * F; q++) s += (r[q] * (1 + overshoot)) ** 2
    result.squaredNorm[i] = s
  }
  return result
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
  const maxIterations = options.maxIterations ?? 50
  const b = x0.shape[0]
  const shape = x0.shape.slice(1)
  const F = shape.reduce((a, v) => a * v, 1)
  const C = numClasses
  const eta = new Float32Array(b * F)
  const result: AttackResult = { squaredNorm: new Float32Array(b), iterations: new Int32Array(b), fooled: new Uint8Array(b), stuck: new Uint8Array(b) }
  const original = tidyValue(() => argmaxRows(logProbabilities(model, x0).dataSync() as Float32Array, C))
  let active = Int32Array.from({ length: b }, (_, i) => i)
  for (let it = 0; it <= maxIterations && active.length > 0; it++) {
    const a = active.length
    const etaActive = new Float32Array(a * F)
    active.forEach((i, j) => etaActive.set(eta.subarray(i * F, (i + 1) * F), j * F))
    const { labels, sign } = tidyValue(() => {
      const idx = tf.tensor1d(active, "int32")
      const x = tf.add(tf.gather(x0, idx), tf.tensor(etaActive, [a, ...shape]))
      const labels = argmaxRows(logProbabilities(model, x).dataSync() as Float32Array, C)
      if (it === maxIterations) return { labels, sign: new Float32Array(0) }
      const y0 = tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(active, (i) => original[i]), "int32"), C), "float32")
      // ∇ₓ of the cross-entropy −Σ log p_ŷ (per example, the batch sum separates)
      const g = tf.grad((xx: tf.Tensor) => tf.neg(tf.sum(tf.mul(logProbabilities(model, xx), y0))))(x)
      return { labels, sign: tf.reshape(tf.sign(g), [a, F]).dataSync() as Float32Array }
    })
    const still: Array<number> = []
    active.forEach((i, j) => {
      if (labels[j] !== original[i] || it === maxIterations) {
        result.fooled[i] = labels[j] !== original[i] ? 1 : 0
        result.iterations[i] = it
        return
      }
      let moved = false
      for (let q = 0; q < F; q++) {
        const s = sign[j * F + q]
        if (s !== 0) moved = true
        eta[i * F + q] += epsilon * s
      }
      if (!moved) {
        result.stuck[i] = 1
        result.iterations[i] = it
        return
      }
      still.push(i)
    })
    active = Int32Array.from(still)
  }
  for (let i = 0; i < b; i++) {
    let s = 0
    for (let q = i * F; q < (i + 1) * F; q++) s += eta[q] * eta[q]
    result.squaredNorm[i] = s
  }
  return result
}
