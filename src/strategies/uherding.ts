import * as tf from "@tensorflow/tfjs-core"
import { tidyValue } from "../runtime/tidy-value.js"
import { herdingSelect } from "./kernels/herding.js"
import { tieBreakRanks } from "./kernels/tie-break.js"
import { required, type Strategy } from "./strategy.js"

/**
 * Uncertainty herding (UHerding) (its paper, rule and direction: `doc`, below).
 * How: MaxHerding's greedy coverage with each point's coverage weighted by its margin uncertainty
 * 1 − (p₁ − p₂) (labelled points 0; all 1 before any label, which is MaxHerding), the kernel's
 * bandwidth the smallest distance between two labelled points (the authors' adaptive δ; 1 with
 * fewer than two). Probabilities may be temperature-scaled (p^(1/T), renormalised).
 */
export const uherding = (options: { readonly temperature?: number; readonly bandwidth?: number } = {}): Strategy => ({
  name: "uherding",
  aliases: ["UHerding"],
  doc: {
    rule: "greedy coverage weighted by margin uncertainty 1 − (p1 − p2), bandwidth the least labelled-pair distance: the largest weighted gain first",
    citation: "Bae, Kim, Iwasaki & Ha (2025), Uncertainty Herding: One Active Learning Method for All Label Budgets, ICLR",
    direction: "largest uncertainty-weighted coverage gain first"
  },
  needs: ["embeddings", "labeledEmbeddings", "probabilities"],
  select: (input) => {
    const e = required(input, "embeddings", "uherding")
    const l = required(input, "labeledEmbeddings", "uherding")
    const p = required(input, "probabilities", "uherding")
    const [n, L] = [e.shape[0], l.shape[0]]
    const weight = new Float64Array(L + n)
    weight.set(L === 0 ? new Float64Array(n).fill(1) : marginUncertainty(p.dataSync() as Float32Array, p.shape[1], options.temperature ?? 1), L)
    const bandwidth = options.bandwidth ?? leastLabelledDistance(l)
    const want = Math.min(Math.max(0, input.k), n)
    const picked = tidyValue(() => herdingSelect(tf.concat([l, e]) as tf.Tensor2D, L, want, weight, bandwidth, tieBreakRanks(L + n, input.rng)))
    return picked.map((i) => input.candidates[i])
  }
})

/** 1 − (p₁ − p₂) of each row of `p` [n × C] after temperature scaling (p^(1/T), renormalised). */
export const marginUncertainty = (p: Float32Array, C: number, temperature: number): Float64Array => {
  const n = C === 0 ? 0 : p.length / C
  const out = new Float64Array(n)
  const scaled = new Float64Array(C)
  for (let i = 0; i < n; i++) {
    let sum = 0
    for (let c = 0; c < C; c++) sum += scaled[c] = Math.pow(p[i * C + c], 1 / temperature)
    let first = 0
    let second = 0
    for (let c = 0; c < C; c++) {
      const v = scaled[c] / sum
      if (v > first) [first, second] = [v, first]
      else if (v > second) second = v
    }
    out[i] = 1 - (first - second)
  }
  return out
}

/**
 * The smallest positive distance between two labelled points of `l` [L × d], as the authors'
 * adaptive δ measures it, on L2-normalised rows, from exact float64 differences; 1 with fewer
 * than two distinct points.
 */
export const leastLabelledDistance = (l: tf.Tensor2D): number => {
  const [L, d] = l.shape
  const v = l.dataSync() as Float32Array
  const unit = new Float64Array(L * d)
  for (let i = 0; i < L; i++) {
    let norm = 0
    for (let j = 0; j < d; j++) norm += v[i * d + j] ** 2
    const scale = 1 / Math.max(Math.sqrt(norm), 1e-12)
    for (let j = 0; j < d; j++) unit[i * d + j] = v[i * d + j] * scale
  }
  let least = Number.POSITIVE_INFINITY
  for (let a = 0; a < L; a++) {
    for (let b = 0; b < a; b++) {
      let sq = 0
      for (let j = 0; j < d; j++) sq += (unit[a * d + j] - unit[b * d + j]) ** 2
      if (sq > 0 && sq < least) least = sq
    }
  }
  return Number.isFinite(least) ? Math.sqrt(least) : 1
}
