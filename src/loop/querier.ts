import * as tf from "@tensorflow/tfjs-core"
import type * as tfl from "@tensorflow/tfjs-layers"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { type Dataset, featuresTensor, numClasses } from "../data/dataset.js"
import { type Pool, unlabeledIndices } from "../data/pool.js"
import { modelOutputs } from "../models/forward.js"
import { summarizeProbabilities } from "../models/metrics.js"
import { predictProbabilities } from "../models/predict.js"
import type { RandomStream } from "../runtime/random.js"
import { Rng } from "../runtime/rng.js"
import { timedSeconds } from "../runtime/timing.js"
import type { SelectionInput, Strategy, StrategyNeed } from "../strategies/strategy.js"
import { Progress } from "../runtime/progress.js"
import { Querier } from "./stages.js"

export interface QuerierOptions {
  /** MC-dropout passes T for strategies that need MC samples (default 20). */
  readonly mcSamples?: number
  /**
   * Score only a seeded random subset of this many unlabelled examples per round (stream
   * `round r / subset`), as Gal et al. (2017) did; all of them when absent.
   */
  readonly poolSubset?: number
  /** Examples per forward batch (default 500). */
  readonly batchSize?: number
  /**
   * What `embeddings` and `labeledEmbeddings` are: the model's `penultimate` layer (default), or
   * the examples' `features` themselves (a frozen backbone's embeddings). Gradient embeddings
   * always take the penultimate layer, the input of the layer they are the gradient of.
   */
  readonly embeddingSpace?: "penultimate" | "features"
}

/** MC-dropout passes T per round when none is given. */
export const defaultMcSamples = 20

/** The candidates of a round: every unlabelled index, or a seeded subset of m of them (sorted). */
export const roundCandidates = (pool: Pool, poolSubset: number | undefined, rng: RandomStream): Int32Array => {
  const all = unlabeledIndices(pool)
  return poolSubset === undefined || poolSubset >= all.length ? all : rng.sample(all, poolSubset).sort()
}

/** The rows of `all` [candidates × c] for the pool indices `chosen` (candidates are sorted). */
const rowsOf = (all: Float32Array, c: number, candidates: Int32Array, chosen: Int32Array): Float32Array => {
  const out = new Float32Array(chosen.length * c)
  chosen.forEach((index, j) => {
    const position = sortedIndexOf(candidates, index)
    out.set(all.subarray(position * c, (position + 1) * c), j * c)
  })
  return out
}

/** The position of `value` in the ascending `sorted` (binary search). */
const sortedIndexOf = (sorted: Int32Array, value: number): number => {
  let lo = 0
  let hi = sorted.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid] < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Computes, once, everything `needs` asks for on `candidates` (and the labelled set). The
 * tensors are acquired in the enclosing `Scope` and freed when it closes. One forward sweep
 * gives probabilities, embeddings and MC samples (MC passes reuse the layers before the first
 * dropout).
 */
export const computeNeeds = (input: NeedsInput): Effect.Effect<Omit<SelectionInput, "k" | "rng">, never, Scope.Scope> =>
  Effect.map(computeNeedsAndRows(input), ({ needs }) => needs)

interface NeedsInput {
  readonly needs: ReadonlyArray<StrategyNeed>
  readonly model: tfl.LayersModel
  readonly data: Dataset
  readonly candidates: Int32Array
  readonly labeled: Int32Array
  readonly mcSamples: number
  readonly mcSeed: number
  readonly batchSize?: number
  readonly embeddingSpace?: "penultimate" | "features"
  readonly onBatch?: (done: number, total: number) => Effect.Effect<void>
}

/** `computeNeeds`, and the candidates' probabilities as the rows it computed them in (when it did). */
const computeNeedsAndRows = (
  input: NeedsInput
): Effect.Effect<{ readonly needs: Omit<SelectionInput, "k" | "rng">; readonly rows: Float32Array | undefined }, never, Scope.Scope> =>
  Effect.gen(function* () {
    const needs = new Set(input.needs)
    const n = input.candidates.length
    const c = numClasses(input.data)
    const fromFeatures = input.embeddingSpace === "features"
    const wantProbabilities = needs.has("probabilities") || needs.has("gradientEmbeddings")
    const wantEmbeddings = (needs.has("embeddings") && !fromFeatures) || needs.has("gradientEmbeddings")
    const batch = { batchSize: input.batchSize }
    const outputs =
      wantProbabilities || wantEmbeddings || needs.has("mcProbabilities")
        ? yield* modelOutputs(input.model, input.data, input.candidates, {
            probabilities: wantProbabilities,
            embeddings: wantEmbeddings,
            ...(needs.has("mcProbabilities") ? { mc: { samples: input.mcSamples, seed: input.mcSeed } } : {}),
            ...batch,
            ...(input.onBatch ? { onBatch: input.onBatch } : {})
          })
        : undefined
    const labeledGradients = needs.has("labeledGradientEmbeddings")
    const labeledOutputs = (needs.has("labeledEmbeddings") && !fromFeatures) || labeledGradients
      ? yield* modelOutputs(input.model, input.data, input.labeled, { embeddings: true, probabilities: labeledGradients, ...batch })
      : undefined
    const keep: Array<tf.Tensor> = []
    yield* Effect.addFinalizer(() => Effect.sync(() => keep.forEach((t) => t.dispose())))
    const hold = <T extends tf.Tensor>(make: () => T): T => {
      const t = tf.tidy(make)
      keep.push(t)
      return t
    }
    const probabilities = outputs?.probabilities && hold(() => tf.tensor2d(outputs.probabilities!, [n, c]))
    const embeddings = outputs?.embeddings && hold(() => tf.tensor2d(outputs.embeddings!, [n, outputs.embeddingSize]))
    const result: { -readonly [K in keyof SelectionInput]?: SelectionInput[K] } = { candidates: input.candidates }
    if (needs.has("probabilities")) result.probabilities = probabilities
    if (needs.has("embeddings")) result.embeddings = fromFeatures ? hold(() => tf.reshape(featuresTensor(input.data, input.candidates), [n, -1]) as tf.Tensor2D) : embeddings
    if (needs.has("mcProbabilities")) result.mcProbabilities = hold(() => tf.tensor3d(outputs!.mcProbabilities!, [n, input.mcSamples, c]))
    if (needs.has("labeledEmbeddings") && fromFeatures) {
      result.labeledEmbeddings = hold(() => tf.reshape(featuresTensor(input.data, input.labeled), [input.labeled.length, -1]) as tf.Tensor2D)
    } else if (needs.has("labeledEmbeddings")) {
      result.labeledEmbeddings = hold(() => tf.tensor2d(labeledOutputs!.embeddings!, [input.labeled.length, labeledOutputs!.embeddingSize]))
    }
    const residualOf = (p: tf.Tensor2D) => hold(() => tf.sub(p, tf.oneHot(tf.argMax(p, 1), c)) as tf.Tensor2D)
    if (needs.has("gradientEmbeddings")) result.gradientEmbeddings = { residual: residualOf(probabilities!), features: embeddings! }
    if (labeledGradients) {
      const L = input.labeled.length
      const p = hold(() => tf.tensor2d(labeledOutputs!.probabilities!, [L, c]))
      result.labeledGradientEmbeddings = { residual: residualOf(p), features: hold(() => tf.tensor2d(labeledOutputs!.embeddings!, [L, labeledOutputs!.embeddingSize])) }
    }
    if (needs.has("model")) {
      result.model = {
        model: input.model,
        numClasses: c,
        features: (positions) => featuresTensor(input.data, Array.from(positions, (p) => input.candidates[p]))
      }
    }
    return { needs: result as Omit<SelectionInput, "k" | "rng">, rows: outputs?.probabilities }
  })

/**
 * The default `score` + `select` stages for a strategy: picks the round's candidates (every
 * unlabelled example, or a seeded subset of `poolSubset`), computes what the strategy needs once
 * (probabilities, MC samples seeded from `round r / mc`, embeddings, gradient-embedding parts,
 * the model), then lets it choose with the seeded stream `round r / select`.
 */
export const strategyQuerier = (strategy: Strategy, options: QuerierOptions = {}): Layer.Layer<Querier, never, Rng | Progress> =>
  Layer.effect(
    Querier,
    Effect.gen(function* () {
      const rng = yield* Rng
      const progress = yield* Progress
      const mcSamples = options.mcSamples ?? defaultMcSamples
      return {
        strategy: strategy.name,
        query: ({ round, model, data, pool, k }) =>
          Effect.scoped(Effect.gen(function* () {
            const candidates = roundCandidates(pool, options.poolSubset, rng.stream("round", round, "subset"))
            const [{ needs, rows }, scoreSeconds] = yield* timedSeconds(
              computeNeedsAndRows({
                needs: strategy.needs,
                model,
                data,
                candidates,
                labeled: pool.labeled,
                mcSamples,
                mcSeed: rng.stream("round", round, "mc").seed(),
                batchSize: options.batchSize,
                embeddingSpace: options.embeddingSpace,
                onBatch: (done, total) => progress.update(`round ${round} score`, done, total)
              })
            )
            const [indices, selectSeconds] = yield* timedSeconds(
              Effect.sync(() => strategy.select({ ...needs, k, rng: rng.stream("round", round, "select") }))
            )
            // What the model thought of the chosen rows, from the probabilities already computed
            const chosen = rows
              ? rowsOf(rows, numClasses(data), candidates, indices)
              : yield* predictProbabilities(model, data, indices)
            return { indices, scoreSeconds, selectSeconds, chosen: summarizeProbabilities(chosen, numClasses(data)) }
          }))
      }
    })
  )
