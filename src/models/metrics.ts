/** Classification metrics of predicted probabilities P [n × C] against true classes y. */
export interface ClassificationMetrics {
  readonly accuracy: number
  /** Unweighted mean of per-class F1 over the classes that occur in the truth or the predictions. */
  readonly macroF1: number
  /** Mean cross-entropy −log p(y), with p clipped at 1e-7. */
  readonly loss: number
}

/** The predicted class of each row (the first maximum on ties). */
export const argmaxRows = (probs: Float32Array, c: number): Int32Array => {
  const n = probs.length / c
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    let best = 0
    let bestP = probs[i * c]
    for (let k = 1; k < c; k++) {
      const p = probs[i * c + k]
      if (p > bestP) {
        bestP = p
        best = k
      }
    }
    out[i] = best
  }
  return out
}

/**
 * Macro-F1 over the classes that occur in `truth` or `predicted`: F1_k = 2·TP / (2·TP + FP + FN).
 */
export const macroF1 = (truth: ArrayLike<number>, predicted: ArrayLike<number>, c: number): number => {
  const tp = new Float64Array(c)
  const fp = new Float64Array(c)
  const fn = new Float64Array(c)
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] === predicted[i]) tp[truth[i]]++
    else {
      fp[predicted[i]]++
      fn[truth[i]]++
    }
  }
  let sum = 0
  let classes = 0
  for (let k = 0; k < c; k++) {
    const denom = 2 * tp[k] + fp[k] + fn[k]
    if (denom === 0) continue
    sum += (2 * tp[k]) / denom
    classes++
  }
  return classes === 0 ? 0 : sum / classes
}

export const classificationMetrics = (probs: Float32Array, y: Int32Array, c: number): ClassificationMetrics => {
  const predicted = argmaxRows(probs, c)
  let correct = 0
  let loss = 0
  for (let i = 0; i < y.length; i++) {
    if (predicted[i] === y[i]) correct++
    loss -= Math.log(Math.max(probs[i * c + y[i]], 1e-7))
  }
  const n = y.length
  return { accuracy: n === 0 ? 0 : correct / n, macroF1: macroF1(y, predicted, c), loss: n === 0 ? 0 : loss / n }
}

/**
 * Shannon entropy −Σ p log p (nats, 0 log 0 = 0) of the `c` probabilities from `offset`, added
 * term by term onto `start`: a sum of several rows' entropies (BatchBALD's E_t H) is one running
 * sum in row order. deal's one entropy over typed arrays (`entropyScore` is the same over tensors).
 */
export const rowEntropy = (p: ArrayLike<number>, offset: number, c: number, start = 0): number => {
  let h = start
  for (let k = offset, e = offset + c; k < e; k++) if (p[k] > 0) h -= p[k] * Math.log(p[k])
  return h
}

/** Per-row summary of a probability matrix [n × C]: argmax class, max probability, entropy (nats). */
export interface ProbabilitySummary {
  readonly predictions: Int32Array
  readonly confidence: Float32Array
  readonly entropy: Float32Array
}

export const summarizeProbabilities = (probs: Float32Array, c: number): ProbabilitySummary => {
  const n = probs.length / c
  const predictions = argmaxRows(probs, c)
  const confidence = new Float32Array(n)
  const entropy = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    confidence[i] = probs[i * c + predictions[i]]
    entropy[i] = rowEntropy(probs, i * c, c)
  }
  return { predictions, confidence, entropy }
}
