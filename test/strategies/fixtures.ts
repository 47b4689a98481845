import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import * as tfl from "@tensorflow/tfjs-layers"
import fc from "fast-check"
import { selectOn, strategyWorld } from "deal-active-learning/testing"
import { RandomStream } from "../../src/runtime/random.js"
import type { Dataset } from "../../src/data/dataset.js"
import { entropy } from "../../src/strategies/entropy.js"
import { type StochasticMode, stochasticBatch } from "../../src/strategies/stochastic-batch.js"
import type { ScoredStrategy, Strategy } from "../../src/strategies/strategy.js"

/** A softmax-regression model on 2-D inputs with the given weights. */
export const linear = (kernel: Array<Array<number>>, bias: Array<number>) => {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: bias.length, activation: "softmax" })] })
  model.setWeights([tf.tensor2d(kernel), tf.tensor1d(bias)])
  return model
}

/** Four 2-D inputs for the adversarial attacks. */
export const attackPoints = tf.tensor2d([[1, 2], [-0.5, 0.3], [3, -1], [0.2, 0.1]])

export const blobs = (perBlob: number, seed: number) => {
  const r = RandomStream.make(seed)
  const centres = [[0, 0], [30, 0], [0, 30]]
  return Float32Array.from({ length: 3 * perBlob * 2 }, (_, i) => centres[Math.floor(i / (2 * perBlob))][i % 2] + 3 * (r.next() - 0.5))
}

/** `blobs` × `perBlob` points in 2-d: blob b centred at (40·(b mod 8), 40·⌊b / 8⌋), spread ±1. */
export const grid = (blobs: number, perBlob: number, seed: number) => {
  const r = RandomStream.make(seed)
  return Float32Array.from({ length: blobs * perBlob * 2 }, (_, i) => {
    const b = Math.floor(i / (2 * perBlob))
    return (i % 2 === 0 ? 40 * (b % 8) : 40 * Math.floor(b / 8)) + 2 * (r.next() - 0.5)
  })
}

export const squared = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) => a.reduce((s, v, t) => s + (v - b[t]) ** 2, 0)

/** A tiny image dataset of n random 8×8 images and 3 classes. */
export const tinyData = (n: number, seed = 1): Dataset => {
  const r = RandomStream.make(seed, "data")
  return {
    name: "tiny",
    x: Float32Array.from({ length: n * 64 }, () => r.next()),
    shape: [8, 8, 1],
    y: Int32Array.from({ length: n }, () => r.int(3)),
    classNames: ["a", "b", "c"]
  }
}

/** 30 tiny images, and their indices. */
export const tiny = tinyData(30)

export const tinyIndices = Int32Array.from({ length: 30 }, (_, i) => i)

/** A probability matrix: rows of positive weights normalised to sum to 1. */
export const probabilityMatrix = (maxRows = 40) =>
  fc.integer({ min: 1, max: 6 }).chain((c) =>
    fc.array(fc.array(fc.float({ min: Math.fround(0.001), max: 1, noNaN: true }), { minLength: c, maxLength: c }), { minLength: 1, maxLength: maxRows }).map(
      (rows) => rows.map((r) => { const s = r.reduce((a, b) => a + b, 0); return r.map((v) => v / s) })
    )
  )

export const run = (strategy: Strategy, rows: Array<Array<number>>, candidates: Int32Array, k: number, seed: number) => {
  const probabilities = tf.tensor2d(rows)
  try {
    return strategy.select({ candidates, k, probabilities, rng: RandomStream.make(seed, "select") })
  } finally {
    probabilities.dispose()
  }
}

/** A score kernel's values on the rows of a probability matrix. */
export const score = (f: (p: tf.Tensor2D) => tf.Tensor1D, rows: Array<Array<number>>) => Array.from(tf.tidy(() => f(tf.tensor2d(rows)).dataSync()))

/**
 * The uncertainty strategies' worked example, by hand, rows for candidates 10, 20, 30: margins
 * p₁ − p₂ 0.01, 0.85, 0.10; max-probabilities 0.50, 0.90, 0.40; entropies 0.742, 0.394, 1.089 nats.
 */
export const worked = {
  rows: [
    [0.5, 0.49, 0.01],
    [0.9, 0.05, 0.05],
    [0.4, 0.3, 0.3]
  ],
  candidates: Int32Array.from([10, 20, 30])
}

/** Selects `k` of `candidates` from their MC-dropout passes [candidates × T × C]. */
export const runMc = (strategy: Strategy, passes: Array<Array<Array<number>>>, candidates: Int32Array, k: number, seed: number) => {
  const mcProbabilities = tf.tensor3d(passes)
  try {
    return strategy.select({ candidates, k, mcProbabilities, rng: RandomStream.make(seed, "select") })
  } finally {
    mcProbabilities.dispose()
  }
}

/** A scored strategy's score of each row of MC-dropout passes [rows × T × C]. */
export const mcScores = (strategy: ScoredStrategy, passes: Array<Array<Array<number>>>) => {
  const mcProbabilities = tf.tensor3d(passes)
  try {
    return Array.from(strategy.score({ candidates: Int32Array.from(passes, (_, i) => i), k: 1, mcProbabilities, rng: RandomStream.make(1) }))
  } finally {
    mcProbabilities.dispose()
  }
}

/**
 * Two passes (T = 2, C = 2) for each of three candidates, worked by hand for the MC-dropout
 * uncertainty strategies (the mean of the passes, then the score):
 * - A: (0.9, 0.1) and (0.5, 0.5), mean (0.7, 0.3): max 0.7, margin 0.4, entropy 0.611 nats;
 * - B: (0.6, 0.4) twice, mean (0.6, 0.4): max 0.6, margin 0.2, entropy 0.673;
 * - C: (0.95, 0.05) and (0.05, 0.95), mean (0.5, 0.5): max 0.5, margin 0, entropy log 2 = 0.693.
 * Each pass alone makes C the most confident (max 0.95): only the mean shows the passes disagree.
 */
export const workedPasses = {
  passes: [
    [[0.9, 0.1], [0.5, 0.5]],
    [[0.6, 0.4], [0.6, 0.4]],
    [[0.95, 0.05], [0.05, 0.95]]
  ],
  candidates: Int32Array.of(10, 20, 30)
}

/**
 * The share of `draws` seeded selections (k = 1 of `candidates`) that picked `candidate`, with 4
 * standard errors of a share `p` over that many draws: a frequency check of a random strategy.
 */
export const pickShare = (select: (seed: number) => Int32Array, candidate: number, draws: number, p: number) => {
  let hits = 0
  for (let seed = 0; seed < draws; seed++) if (select(seed)[0] === candidate) hits++
  return { share: hits / draws, tolerance: 4 * Math.sqrt((p * (1 - p)) / draws) }
}

/** A world of 8 candidates, k = 2, whose entropy rises with these scores: candidates 2 and 3 lead. */
export const spreadScores = [0.05, 0.1, 0.9, 0.95, 0.2, 0.3, 0.15, 0.25]
export const scoreWorld = (scores: ReadonlyArray<number>) => {
  const w = fc.sample(strategyWorld(), { seed: 5, numRuns: 1 })[0]
  // one probability row per score: entropy grows with the score
  const data = new Float32Array(scores.length * 2)
  scores.forEach((s, i) => ((data[2 * i] = 1 - s / 2), (data[2 * i + 1] = s / 2)))
  return { ...w, candidates: Int32Array.from(scores, (_, i) => i), k: 2, probabilities: { rows: scores.length, cols: 2, data } }
}

/** The distinct batches a stochastic mode over entropy draws in 30 seeds, at temperature 0.001 and 10. */
export const temperatureBatches = (mode: StochasticMode) => {
  const batches = (temperature: number) =>
    new Set(Array.from({ length: 30 }, (_, seed) => Array.from(selectOn(stochasticBatch(entropy, { mode, temperature }), scoreWorld(spreadScores), seed)).sort().join()))
  return { cold: [...batches(0.001)], hot: batches(10).size }
}

/**
 * Two candidates' MC-dropout passes with BALD worked by hand: a, (1, 0) and (0, 1): H(0.5, 0.5) − 0
 * = log 2 = 0.6931; b, (1, 0) and (0.5, 0.5): H(0.75, 0.25) − (0 + log 2) / 2 = 0.5623 − 0.3466
 * = 0.2158.
 */
export const twoBald = {
  passes: [
    [[1, 0], [0, 1]],
    [[1, 0], [0.5, 0.5]]
  ],
  bald: [0.6931, 0.2158],
  candidates: Int32Array.of(7, 8)
}

/** Unit vectors at these angles (degrees). */
export const angles = (...deg: Array<number>) => tf.tensor2d(deg.flatMap((a) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)]), [deg.length, 2])

/** The blobs a strategy's cold start (k = 3, nothing labelled) picks from, of 3 blobs of 10 directions each, 120° apart. */
export const directionBlobPicks = (strategy: Strategy) => {
  const r = RandomStream.make(5)
  const deg = Array.from({ length: 30 }, (_, i) => 120 * Math.floor(i / 10) + 5 * r.next())
  const embeddings = angles(...deg)
  const labeledEmbeddings = tf.zeros([0, 2]) as tf.Tensor2D
  const probabilities = tf.fill([30, 3], 1 / 3) as tf.Tensor2D
  const candidates = Int32Array.from({ length: 30 }, (_, i) => i)
  try {
    const picked = strategy.select({ candidates, k: 3, embeddings, labeledEmbeddings, probabilities, rng: RandomStream.make(1) })
    return Array.from(picked, (i) => Math.floor(i / 10)).sort()
  } finally {
    tf.dispose([embeddings, labeledEmbeddings, probabilities])
  }
}
