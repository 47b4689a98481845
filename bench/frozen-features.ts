import * as tf from "@tensorflow/tfjs-core"
import { Effect } from "effect"
import type { Dataset } from "../src/data/dataset.js"
import { computeNeeds } from "../src/loop/querier.js"
import { modelCatalogue } from "../src/models/catalogue.js"
import { fitModel } from "../src/models/train.js"
import { initBackend } from "../src/runtime/backend.js"
import { RandomStream } from "../src/runtime/random.js"
import { findStrategy } from "../src/strategies/catalogue.js"

/**
 * A frozen-feature round (the backbone issue's goal: each ≤ 1 s): a pool of 50,000 embeddings of
 * 384 dimensions (10 Gaussian classes, as a sentence encoder's would be, L2-normalised), 100
 * labels, the linear head trained with its defaults (30 epochs, batch 32, Adam 0.05), then one
 * query of 100 by entropy, core-set and TypiClust, the diversity ones in the backbone's space
 * (`--embedding_space backbone`). Seconds on the wasm backend, every core: each strategy's
 * second round in the process (as every round of a run after its first), and its first.
 */
export const benchFrozenFeatures = async (options: { readonly n?: number; readonly d?: number; readonly labeled?: number; readonly k?: number } = {}) => {
  const [n, d, labeled, k] = [options.n ?? 50_000, options.d ?? 384, options.labeled ?? 100, options.k ?? 100]
  await Effect.runPromise(initBackend("wasm"))
  const rng = RandomStream.make(1, "bench", "frozen")
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next())
  const classes = 10
  const centres = Array.from({ length: classes }, () => Float32Array.from({ length: d }, gauss))
  const x = new Float32Array(n * d)
  const y = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    y[i] = i % classes
    let norm = 0
    for (let j = 0; j < d; j++) {
      const v = centres[y[i]][j] + 2 * gauss()
      x[i * d + j] = v
      norm += v * v
    }
    for (let j = 0; j < d; j++) x[i * d + j] /= Math.sqrt(norm)
  }
  const pool: Dataset = { name: "frozen", x, shape: [d], y, classNames: centres.map((_, c) => String(c)), kind: "embedding" }
  const labeledIdx = rng.sample(Int32Array.from({ length: n }, (_, i) => i), labeled).sort()
  const isLabeled = new Uint8Array(n)
  labeledIdx.forEach((i) => (isLabeled[i] = 1))
  const candidates = Int32Array.from({ length: n }, (_, i) => i).filter((i) => isLabeled[i] === 0)
  const linear = modelCatalogue["linear"]
  const labels = Int32Array.from(labeledIdx, (i) => y[i])
  /** One round: the head trained from scratch, then what the strategy needs, then its query. */
  const round = async (name: string) => {
    const strategy = findStrategy(name)!
    const model = linear.make()({ inputShape: [d], numClasses: classes, seed: () => rng.seed() })
    const t0 = performance.now()
    await Effect.runPromise(fitModel(model, pool, labeledIdx, labels, { ...linear.defaults, learningRate: linear.defaults.learningRate ?? 1e-3 }, RandomStream.make(1, "train")))
    const t1 = performance.now()
    const { chosen, t2, t3 } = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const needs = yield* computeNeeds({ needs: strategy.needs, model, data: pool, candidates, labeled: labeledIdx, mcSamples: 1, mcSeed: 1, embeddingSpace: "features" })
          const t2 = performance.now()
          const picked = strategy.select({ ...needs, k, rng: RandomStream.make(1, "select") })
          return { chosen: picked.length, t2, t3: performance.now() }
        })
      )
    )
    model.dispose()
    const seconds = (a: number, b: number) => +((b - a) / 1000).toFixed(2)
    return { chosen, train_s: seconds(t0, t1), score_s: seconds(t1, t2), select_s: seconds(t2, t3), round_s: seconds(t0, t3) }
  }
  const rows = []
  for (const name of ["entropy", "coreset", "typiclust"]) {
    // the first round in a process pays for compiling and for the backend's memory growing, once
    const first = await round(name)
    const later = await round(name)
    rows.push({ strategy: name, pool: `${n} × ${d}`, labeled, k, chosen: later.chosen, train_s: later.train_s, score_s: later.score_s, select_s: later.select_s, round_s: later.round_s, first_round_s: first.round_s })
  }
  tf.disposeVariables()
  return rows
}
