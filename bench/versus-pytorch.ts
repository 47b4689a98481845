import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { availableParallelism, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import * as tf from "@tensorflow/tfjs-core"
import { Effect } from "effect"
import type { Dataset } from "../src/data/dataset.js"
import { loadMnist } from "../src/data/mnist.js"
import { modelOutputs } from "../src/models/forward.js"
import { galCnn } from "../src/models/gal-cnn.js"
import { fitModel } from "../src/models/train.js"
import { initBackend, type BackendPreference } from "../src/runtime/backend.js"
import { RandomStream } from "../src/runtime/random.js"
import { baldScore } from "../src/strategies/mc-scores.js"
import { epochTimer } from "./epoch-timer.js"

/**
 * The compute issue's side-by-side table: deal and PyTorch on the same MNIST images, the same
 * machine and the same number of cores, in one run.
 *
 * - epoch: one Gal CNN epoch of 512 images, batch 64 (best of 3 after a warm-up epoch)
 * - round100 / round1000: a Gal round's training, 50 epochs of batch 128 with Adam and the Gal
 *   protocol's weight decay, on 100 and on 1,000 labels
 * - bald: T MC-dropout passes over 2,000 images and the BALD scores (deal runs the layers before
 *   the first dropout once per batch and reuses them in every pass; PyTorch runs the whole net)
 *
 * The peer is bench/pytorch-peer.py, run by the first of `$DEAL_PYTHON`, `python3`,
 * `/usr/bin/python3` that imports torch (Debian's python3-torch serves); without one the
 * table has deal's column only, and says so.
 */
export interface VersusRow {
  readonly work: string
  readonly pytorch_s?: number
  /** deal on one thread (as before the threaded build) */
  readonly deal_1_thread_s: number
  readonly ratio_1_thread?: number
  /** deal on every core */
  readonly deal_s: number
  /** deal's time over PyTorch's: above 1, deal is slower. */
  readonly ratio?: number
}

export type Case = "epoch" | "round100" | "round1000" | "bald"
export const allCases: ReadonlyArray<Case> = ["epoch", "round100", "round1000", "bald"]

const images = 2000

/** The first Python on this machine that imports torch, or undefined. */
export const pythonWithTorch = (): string | undefined =>
  [process.env["DEAL_PYTHON"], "python3", "/usr/bin/python3"]
    .filter((p): p is string => p !== undefined && p !== "")
    .find((p) => spawnSync(p, ["-c", "import torch, numpy"], { stdio: "ignore" }).status === 0)

const seconds = async (f: () => Promise<unknown>): Promise<number> => {
  const start = performance.now()
  await f()
  return (performance.now() - start) / 1000
}

/** deal's seconds for each case, on `backend` with `threads` (wasm). */
export const dealTimes = async (
  train: Dataset,
  cases: ReadonlyArray<Case>,
  backend: BackendPreference,
  threads: number,
  T: number
): Promise<Partial<Record<Case, number>>> => {
  await Effect.runPromise(initBackend(backend, { threads }))
  const indices = (n: number) => Int32Array.from({ length: n }, (_, i) => i)
  const model = (trainingSize: number, weightDecay?: number) => {
    const r = RandomStream.make(1, "init")
    return galCnn(weightDecay === undefined ? {} : { weightDecay })({ inputShape: train.shape, numClasses: 10, seed: () => r.seed(), trainingSize })
  }
  const fit = (m: ReturnType<typeof model>, n: number, epochs: number, batchSize: number, onEpoch?: () => Effect.Effect<void>) =>
    Effect.runPromise(fitModel(m, train, indices(n), train.y.subarray(0, n), { epochs, batchSize, learningRate: 1e-3 }, RandomStream.make(1, "train"), onEpoch))
  const out: Partial<Record<Case, number>> = {}
  const warm = model(128)
  await fit(warm, 128, 1, 64)
  if (cases.includes("epoch")) {
    const m = model(512)
    const timer = epochTimer()
    await fit(m, 512, 4, 64, timer.onEpoch)
    out.epoch = timer.bestAfterFirst()
    m.dispose()
  }
  for (const [key, n] of [["round100", 100], ["round1000", 1000]] as const) {
    if (!cases.includes(key)) continue
    const m = model(n, 3.5)
    out[key] = await seconds(() => fit(m, n, 50, 128))
    m.dispose()
  }
  if (cases.includes("bald")) {
    out.bald = await seconds(async () => {
      const outputs = await Effect.runPromise(modelOutputs(warm, train, indices(images), { mc: { samples: T, seed: 1 }, batchSize: 500 }))
      tf.tidy(() => baldScore(tf.tensor3d(outputs.mcProbabilities!, [images, T, 10])).dataSync())
    })
  }
  warm.dispose()
  return out
}

/** PyTorch's seconds for each case (and its version), or why there are none. */
export const pytorchTimes = (
  train: Dataset,
  cases: ReadonlyArray<Case>,
  threads: number,
  T: number,
  device: "cpu" | "cuda" = "cpu"
): { readonly times: Partial<Record<Case, number>>; readonly torch: string } | { readonly missing: string } => {
  const python = pythonWithTorch()
  if (python === undefined) return { missing: "no python3 with torch here (Debian: apt-get install python3-torch; or set DEAL_PYTHON)" }
  const dir = mkdtempSync(join(tmpdir(), "deal-bench-"))
  try {
    const file = join(dir, "images.bin")
    const x = train.x.subarray(0, images * 784)
    const y = train.y.subarray(0, images)
    writeFileSync(file, Buffer.concat([Buffer.from(x.buffer, x.byteOffset, x.byteLength), Buffer.from(y.buffer, y.byteOffset, y.byteLength)]))
    const script = fileURLToPath(new URL("../../bench/pytorch-peer.py", import.meta.url))
    const result = JSON.parse(
      execFileSync(python, [script, file, String(threads), device, String(T), cases.join(",")], { encoding: "utf8", maxBuffer: 1 << 20 })
    ) as Record<string, number | string>
    const times: Partial<Record<Case, number>> = {}
    for (const c of cases) times[c] = result[`${c}_s`] as number
    return { times, torch: `${result["torch"]}${device === "cuda" ? ` CUDA on ${result["gpu"]}` : ""}` }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const labels: Record<Case, (T: number) => string> = {
  epoch: () => "Gal CNN, one epoch of 512 MNIST images, batch 64",
  round100: () => "Gal round, train 50 epochs (batch 128, Adam) on 100 labels",
  round1000: () => "same on 1,000 labels",
  bald: (T) => `BALD, T = ${T} MC-dropout passes over 2,000 images`
}

/** The side-by-side rows: deal on wasm on one thread and on every core, against PyTorch CPU on every core. */
export const benchVersusPytorch = async (options: { readonly threads?: number; readonly cases?: ReadonlyArray<Case>; readonly T?: number } = {}) => {
  const threads = options.threads ?? availableParallelism()
  const cases = options.cases ?? allCases
  const T = options.T ?? 20
  const mnist = await Effect.runPromise(loadMnist())
  const peer = pytorchTimes(mnist.train, cases, threads, T)
  const one = await dealTimes(mnist.train, cases, "wasm", 1, T)
  const deal = await dealTimes(mnist.train, cases, "wasm", threads, T)
  const rows: Array<VersusRow> = cases.map((c) => {
    const [d1, d] = [one[c]!, deal[c]!]
    const p = "times" in peer ? peer.times[c] : undefined
    return p === undefined
      ? { work: labels[c](T), deal_1_thread_s: d1, deal_s: d }
      : { work: labels[c](T), pytorch_s: p, deal_1_thread_s: d1, ratio_1_thread: d1 / p, deal_s: d, ratio: d / p }
  })
  return { rows, threads, peer: "times" in peer ? `PyTorch ${peer.torch}, ${threads} threads` : `no PyTorch: ${peer.missing}` }
}
