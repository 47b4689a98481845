import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { availableParallelism, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as tf from "@tensorflow/tfjs-core"
import { Effect } from "effect"
import { initBackend } from "../src/runtime/backend.js"
import { RandomStream } from "../src/runtime/random.js"
import { badgeSeedsOnBackend } from "../src/strategies/badge.js"
import { kCenterGreedyOnBackend } from "../src/strategies/coreset.js"
import { herdingSelect } from "../src/strategies/kernels/herding.js"
import { kmeansOnBackend } from "../src/strategies/kernels/kmeans.js"
import { tieBreakRanks } from "../src/strategies/kernels/tie-break.js"
import { probCoverSelect } from "../src/strategies/probcover.js"
import { typiclustOnBackend } from "../src/strategies/typiclust.js"

/**
 * The strategies-at-scale issue's side-by-side table: deal and numpy on the same inputs, the same
 * machine and the same cores, in one run. N = 100,000 embeddings of 128 dimensions (uniform in
 * [−1, 1]), 1,000 labelled:
 * - coreset: k = 1,000 by k-center greedy (numpy: incremental, one matrix-vector product per centre)
 * - badge: k = 1,000 by k-means++ over gradient embeddings of C = 10 classes (numpy: factorised)
 * - kmeans: k = 100 clusters, k-means++ then at most 20 Lloyd iterations
 * - the low-budget methods over the labelled set and the first `nCover` rows (20,000; 100,000
 *   with `--full`): probcover (δ by the purity rule over 10 k-means clusters; numpy: blocked
 *   passes as the authors' code makes them), maxherding and typiclust (no numpy peer: the
 *   authors hold an N × N kernel for herding, and TypiClust's peer would be scikit-learn's
 *   MiniBatchKMeans, absent here)
 * The peer is bench/numpy-peer.py, run by the first of `$DEAL_PYTHON`, `python3` that imports
 * numpy, with OpenBLAS and OpenMP on the same number of threads; without one the table has
 * deal's column only.
 */
export interface NumpyRow {
  readonly case: string
  readonly numpy_s?: number
  readonly deal_s: number
  /** deal's time over numpy's: above 1, deal is slower. */
  readonly ratio?: number
  readonly goal_s?: number
}

const pythonWithNumpy = (): string | undefined =>
  [process.env["DEAL_PYTHON"], "python3", "/usr/bin/python3"].find(
    (p) => p !== undefined && spawnSync(p, ["-c", "import numpy"], { stdio: "ignore" }).status === 0
  )

export const benchVersusNumpy = async (options: { readonly n?: number; readonly nCover?: number } = {}): Promise<{ readonly rows: ReadonlyArray<NumpyRow>; readonly peer: string }> => {
  const [n, d, m, c] = [options.n ?? 100_000, 128, 1000, 10]
  const nCover = Math.min(n, options.nCover ?? 20_000)
  const [kCore, kBadge, kMeans] = [1000, 1000, 100]
  const threads = availableParallelism()
  await Effect.runPromise(initBackend("wasm", { threads }))
  const r = RandomStream.make(1, "bench", "numpy")
  const uniform = (count: number) => Float32Array.from({ length: count }, () => 2 * r.next() - 1)
  const x = uniform(n * d)
  const l = uniform(m * d)
  const residual = new Float32Array(n * c)
  for (let i = 0; i < n; i++) {
    const p = Array.from({ length: c }, () => Math.exp(3 * r.next()))
    const sum = p.reduce((a, b) => a + b, 0)
    const top = p.indexOf(Math.max(...p))
    for (let j = 0; j < c; j++) residual[i * c + j] = p[j] / sum - (j === top ? 1 : 0)
  }
  const h = x.map((v) => Math.max(0, v))
  // numpy first, on the same inputs
  const python = pythonWithNumpy()
  let peer: Record<string, number> = {}
  if (python !== undefined) {
    const dir = mkdtempSync(join(tmpdir(), "deal-numpy-"))
    try {
      const file = join(dir, "inputs.f32")
      const all = new Float32Array(x.length + l.length + residual.length + h.length)
      all.set(x)
      all.set(l, x.length)
      all.set(residual, x.length + l.length)
      all.set(h, x.length + l.length + residual.length)
      writeFileSync(file, Buffer.from(all.buffer))
      const script = fileURLToPath(new URL("../../bench/numpy-peer.py", import.meta.url))
      const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) }
      const args = [...[n, d, m, c, kCore, kBadge, kMeans].map(String), "coreset,badge,kmeans,probcover", String(nCover)]
      const run = spawnSync(python, [script, file, ...args], { env, encoding: "utf8", maxBuffer: 1 << 20 })
      if (run.status === 0) peer = JSON.parse(run.stdout.trim().split("\n").at(-1)!)
      else console.error(`numpy peer failed: ${run.stderr.trim().split("\n").at(-1)}`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  const time = (f: () => unknown) => {
    const t0 = performance.now()
    tf.tidy(() => {
      f()
    })
    return (performance.now() - t0) / 1000
  }
  const pool = tf.tensor2d(x, [n, d])
  const labelled = tf.tensor2d(l, [m, d])
  const [rT, hT] = [tf.tensor2d(residual, [n, c]), tf.tensor2d(h, [n, d])]
  const cover = tf.concat([labelled, tf.slice(pool, [0, 0], [nCover, d])]) as tf.Tensor2D
  const deal = {
    coreset: time(() => kCenterGreedyOnBackend(pool, labelled, kCore, RandomStream.make(2))),
    badge: time(() => badgeSeedsOnBackend(rT, hT, kBadge, RandomStream.make(2))),
    kmeans: time(() => kmeansOnBackend(pool, kMeans, RandomStream.make(2))),
    probcover: time(() => probCoverSelect(cover, m, kCore, RandomStream.make(2), { clusters: c })),
    maxherding: time(() => herdingSelect(cover, m, kCore, new Float64Array(m + nCover).fill(1), 1, tieBreakRanks(m + nCover, RandomStream.make(2)))),
    typiclust: time(() => typiclustOnBackend(cover, m, kCore, RandomStream.make(2)))
  }
  tf.dispose([pool, labelled, rT, hT, cover])
  const goals: Record<string, number> = { coreset: 1.5, badge: 2 }
  const label: Record<string, string> = {
    coreset: `coreset, k = ${kCore} of ${n.toLocaleString("en")} × ${d}, ${m.toLocaleString("en")} labelled`,
    badge: `badge, k = ${kBadge} of ${n.toLocaleString("en")}, C = ${c}, d = ${d}`,
    kmeans: `kmeans, ${kMeans} clusters of ${n.toLocaleString("en")} × ${d} (≤ 20 Lloyd iterations)`,
    probcover: `probcover, k = ${kCore} of ${nCover.toLocaleString("en")}, ${m.toLocaleString("en")} labelled, δ by purity (${c} clusters)`,
    maxherding: `maxherding, k = ${kCore} of ${nCover.toLocaleString("en")}, ${m.toLocaleString("en")} labelled, h = 1`,
    typiclust: `typiclust, k = ${kCore} of ${nCover.toLocaleString("en")}, ${m.toLocaleString("en")} labelled`
  }
  const rows = (["coreset", "badge", "kmeans", "probcover", "maxherding", "typiclust"] as const).map((key) => ({
    case: label[key],
    ...(peer[key] === undefined ? {} : { numpy_s: +peer[key].toFixed(2), ratio: +(deal[key] / peer[key]).toFixed(2) }),
    deal_s: +deal[key].toFixed(2),
    ...(goals[key] === undefined ? {} : { goal_s: goals[key] })
  }))
  const version = peer["numpy"] as unknown as string | undefined
  return { rows, peer: python === undefined ? "none (no python3 with numpy)" : `numpy ${version ?? "?"} (${python}), peak RSS ${peer["peak_rss_mb"]?.toFixed(0) ?? "?"} MB, ${threads} threads` }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const result = await benchVersusNumpy(process.argv.includes("--full") ? { nCover: 100_000 } : {})
  console.log(result.peer)
  console.table(result.rows)
}
