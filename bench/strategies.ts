// Query-strategy benchmarks: deal's implementations against the straightforward ones (an N×N
// distance matrix, materialised gradient embeddings, MC passes that rerun the whole network, one
// sample at a time). Each case runs in its own Node process so that its peak resident memory
// (VmHWM) is its own. `npm run bench` runs the default sizes (a few minutes on 2 cores);
// `node dist/bench/strategies.js --full` runs the sizes (N = 100,000 and 1,000,000).
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as tf from "@tensorflow/tfjs-core"
import { Effect } from "effect"
import { featuresTensor } from "../src/data/dataset.js"
import { loadMnist } from "../src/data/mnist.js"
import { subsample } from "../src/data/split.js"
import { deepFoolAttack } from "../src/models/adversarial.js"
import { modelOutputs } from "../src/models/forward.js"
import { galCnn } from "../src/models/gal-cnn.js"
import { fitModel } from "../src/models/train.js"
import { initBackend } from "../src/runtime/backend.js"
import { RandomStream } from "../src/runtime/random.js"
import { badgeSeeds, type FactorisedEmbeddings } from "../src/strategies/badge.js"
import { kCenterGreedy } from "../src/strategies/coreset.js"
import { squaredDistancesToRow, weightedDraw } from "../src/strategies/kernels/distances.js"
import { baldScore } from "../src/strategies/mc-scores.js"

export interface StrategyBenchRow {
  readonly case: string
  readonly implementation: string
  readonly size: string
  readonly seconds: number
  readonly peak_rss_mb: number
}

interface CaseSpec {
  readonly name: string
  readonly implementation: string
  readonly size: string
  readonly args: ReadonlyArray<number>
}

const randomMatrix = (n: number, d: number, seed: number): Float32Array => {
  const r = RandomStream.make(seed, "bench")
  const x = new Float32Array(n * d)
  for (let i = 0; i < x.length; i++) x[i] = r.next() * 2 - 1
  return x
}

/** The straightforward k-center greedy (DeepAL's): the full (N + L)² distance matrix first. */
const naiveCoreset = (x: Float32Array, n: number, d: number, l: Float32Array, m: number, k: number) => {
  const all = new Float32Array((n + m) * d)
  all.set(x)
  all.set(l, n * d)
  const N = n + m
  const D = new Float32Array(N * N)
  tf.tidy(() => {
    const t = tf.tensor2d(all, [N, d])
    const norms = tf.sum(tf.square(t), 1)
    const block = Math.max(1, Math.floor((1 << 24) / N))
    for (let r0 = 0; r0 < N; r0 += block) {
      const r1 = Math.min(N, r0 + block)
      tf.tidy(() => {
        const rows = tf.slice(t, [r0, 0], [r1 - r0, d])
        const dist = tf.add(tf.sub(tf.expandDims(tf.slice(norms, [r0], [r1 - r0]), 1), tf.mul(2, tf.matMul(rows, t, false, true))), norms)
        D.set(dist.dataSync(), r0 * N)
      })
    }
  })
  const minDist = new Float32Array(n).fill(Number.POSITIVE_INFINITY)
  for (let i = 0; i < n; i++) for (let j = n; j < N; j++) if (D[i * N + j] < minDist[i]) minDist[i] = D[i * N + j]
  const out: Array<number> = []
  for (let s = 0; s < k; s++) {
    let best = 0
    for (let i = 1; i < n; i++) if (minDist[i] > minDist[best]) best = i
    out.push(best)
    for (let i = 0; i < n; i++) if (D[i * N + best] < minDist[i]) minDist[i] = D[i * N + best]
  }
  return out
}

/** BADGE with materialised gradient embeddings g_i = r_i ⊗ h_i [N × C·d]. */
const materialisedBadge = (g: FactorisedEmbeddings, k: number, rng: RandomStream) => {
  const D = g.c * g.d
  const G = new Float32Array(g.n * D)
  for (let i = 0; i < g.n; i++)
    for (let a = 0; a < g.c; a++) for (let b = 0; b < g.d; b++) G[i * D + a * g.d + b] = g.residual[i * g.c + a] * g.features[i * g.d + b]
  const taken = new Uint8Array(g.n)
  const minDist = new Float64Array(g.n).fill(Number.POSITIVE_INFINITY)
  const scratch = new Float64Array(g.n)
  let c = 0
  const out: Array<number> = []
  for (let s = 0; s < k; s++) {
    out.push(c)
    taken[c] = 1
    squaredDistancesToRow(G, g.n, D, G.subarray(c * D, (c + 1) * D), scratch)
    for (let i = 0; i < g.n; i++) if (scratch[i] < minDist[i]) minDist[i] = scratch[i]
    c = weightedDraw(minDist, taken, rng)
  }
  return out
}

const factorised = (n: number, c: number, d: number): FactorisedEmbeddings => {
  const r = RandomStream.make(2, "bench")
  const residual = new Float32Array(n * c)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let j = 0; j < c; j++) s += residual[i * c + j] = r.next() ** 4
    let top = 0
    for (let j = 0; j < c; j++) {
      residual[i * c + j] /= s
      if (residual[i * c + j] > residual[i * c + top]) top = j
    }
    residual[i * c + top] -= 1
  }
  return { n, c, d, residual, features: randomMatrix(n, d, 3) }
}

/** A Gal CNN trained one epoch on 1,000 MNIST images, and `n` pool images. */
const mnistModel = (n: number) =>
  Effect.gen(function* () {
    const mnist = yield* loadMnist()
    const train = subsample(mnist.train, 1000 + n, RandomStream.make(1, "bench"))
    const init = RandomStream.make(1, "init")
    const model = galCnn()({ inputShape: train.shape, numClasses: 10, seed: () => init.seed() })
    const labelled = Int32Array.from({ length: 1000 }, (_, i) => i)
    yield* fitModel(model, train, labelled, train.y.subarray(0, 1000), { epochs: 1, batchSize: 64, learningRate: 1e-3 }, RandomStream.make(1, "train"))
    return { model, train, pool: Int32Array.from({ length: n }, (_, i) => 1000 + i) }
  })

/** Runs one case in this process; returns seconds of the measured part. */
const runCase = async (name: string, args: ReadonlyArray<number>): Promise<number> => {
  await Effect.runPromise(initBackend("wasm"))
  const time = async (f: () => unknown | Promise<unknown>) => {
    const t = performance.now()
    await f()
    return (performance.now() - t) / 1000
  }
  switch (name) {
    case "coreset": {
      const [n, k, l, d] = args
      const x = randomMatrix(n, d, 1)
      const lab = randomMatrix(l, d, 2)
      return time(() => kCenterGreedy(x, n, d, lab, l, k, RandomStream.make(1)))
    }
    case "coreset-naive": {
      const [n, k, l, d] = args
      const x = randomMatrix(n, d, 1)
      const lab = randomMatrix(l, d, 2)
      return time(() => naiveCoreset(x, n, d, lab, l, k))
    }
    case "badge": {
      const [n, k, c, d] = args
      const g = factorised(n, c, d)
      return time(() => badgeSeeds(g, k, RandomStream.make(1)))
    }
    case "badge-materialised": {
      const [n, k, c, d] = args
      const g = factorised(n, c, d)
      return time(() => materialisedBadge(g, k, RandomStream.make(1)))
    }
    case "bald": {
      const [n, T, cached] = args
      const { model, train, pool } = await Effect.runPromise(mnistModel(n))
      return time(async () => {
        const out = await Effect.runPromise(modelOutputs(model, train, pool, { mc: { samples: T, seed: 1, cachePrefix: cached === 1 } }))
        tf.tidy(() => baldScore(tf.tensor3d(out.mcProbabilities!, [n, T, 10])).dataSync())
      })
    }
    case "deepfool": {
      const [n, batch] = args
      const { model, train, pool } = await Effect.runPromise(mnistModel(n))
      return time(() => {
        for (let s = 0; s < n; s += batch) {
          tf.tidy(() => void deepFoolAttack(model, featuresTensor(train, pool.subarray(s, Math.min(n, s + batch))), 10, { maxIterations: 50 }))
        }
      })
    }
  }
  throw new Error(`unknown case ${name}`)
}

const peakRssMb = (): number => {
  const line = readFileSync("/proc/self/status", "utf8").split("\n").find((l) => l.startsWith("VmHWM:"))
  return line === undefined ? Number.NaN : Number(line.split(/\s+/)[1]) / 1024
}

const cases = (full: boolean): ReadonlyArray<CaseSpec> => {
  const big = full ? 100_000 : 20_000
  const kBig = full ? 1000 : 200
  const bald = full ? 10_000 : 2_000
  const fool = full ? 1000 : 100
  const fmt = (n: number) => n.toLocaleString("en-US")
  return [
    { name: "coreset", implementation: "idle process (tfjs + wasm loaded)", size: "k = 0", args: [1, 0, 0, 1] },
    { name: "coreset", implementation: "deal: incremental min-distances, O(N·d)", size: "N = 5,000, k = 100, d = 128", args: [5000, 100, 100, 128] },
    { name: "coreset-naive", implementation: "naive: (N + L)² distance matrix", size: "N = 5,000, k = 100, d = 128", args: [5000, 100, 100, 128] },
    { name: "coreset", implementation: "deal", size: `N = ${fmt(big)}, k = ${fmt(kBig)}, d = 128`, args: [big, kBig, 1000, 128] },
    ...(full ? [{ name: "coreset", implementation: "deal", size: "N = 1,000,000, k = 1,000, d = 128", args: [1_000_000, 1000, 1000, 128] }] : []),
    { name: "badge", implementation: "deal: factorised distances", size: "N = 5,000, k = 100, C = 10, d = 128", args: [5000, 100, 10, 128] },
    { name: "badge-materialised", implementation: "materialised N × C·d embeddings", size: "N = 5,000, k = 100, C = 10, d = 128", args: [5000, 100, 10, 128] },
    { name: "badge", implementation: "deal", size: `N = ${fmt(big)}, k = ${fmt(kBig)}, C = 10, d = 128`, args: [big, kBig, 10, 128] },
    ...(full ? [{ name: "badge-materialised", implementation: "materialised", size: `N = ${fmt(big)}, k = ${fmt(kBig)}, C = 10, d = 128`, args: [big, kBig, 10, 128] }] : []),
    { name: "bald", implementation: "deal: cached deterministic prefix", size: `${fmt(bald)} MNIST images, T = 20, Gal CNN`, args: [bald, 20, 1] },
    { name: "bald", implementation: "every pass runs the whole network", size: `${fmt(bald)} MNIST images, T = 20, Gal CNN`, args: [bald, 20, 0] },
    { name: "deepfool", implementation: "deal: batches of 250", size: `${fmt(fool)} MNIST images, Gal CNN, ≤ 50 iterations`, args: [fool, 250] },
    { name: "deepfool", implementation: "one sample at a time", size: `${fmt(fool)} MNIST images, Gal CNN, ≤ 50 iterations`, args: [fool, 1] }
  ]
}

/** Runs every case, each in a fresh process (seconds of the measured part; peak RSS of the process). */
export const benchStrategies = (options: { readonly full?: boolean; readonly only?: string } = {}): ReadonlyArray<StrategyBenchRow> =>
  cases(options.full ?? false)
    .filter((c) => options.only === undefined || c.name.startsWith(options.only))
    .map((c) => {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--strategy-case", c.name, ...c.args.map(String)], {
        encoding: "utf8",
        maxBuffer: 1 << 20,
        stdio: ["ignore", "pipe", "ignore"]
      })
      const { seconds, peak } = JSON.parse(out.trim().split("\n").pop()!)
      return { case: c.name.replace(/-.*/, ""), implementation: c.implementation, size: c.size, seconds: +seconds.toFixed(2), peak_rss_mb: Math.round(peak) }
    })

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const i = process.argv.indexOf("--strategy-case")
  if (i >= 0) {
    const seconds = await runCase(process.argv[i + 1], process.argv.slice(i + 2).map(Number))
    console.log(JSON.stringify({ seconds, peak: peakRssMb() }))
  } else {
    const onlyAt = process.argv.indexOf("--only")
    const rows = benchStrategies({ full: process.argv.includes("--full"), ...(onlyAt >= 0 ? { only: process.argv[onlyAt + 1] } : {}) })
    const aq = await import("arquero")
    console.log(aq.from(rows as Array<StrategyBenchRow & Record<string, unknown>>).toMarkdown())
  }
}
