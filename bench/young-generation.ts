import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Worker } from "node:worker_threads"
import { availableParallelism } from "node:os"
import { Effect, Schema } from "effect"
import type { GridJob } from "../src/grid/job.js"
import { ExperimentSpec } from "../src/run/spec.js"
import { onWorker, workerEntry, YOUNG_GENERATION_MB } from "../src/grid/runner.js"
import type { ThreadData } from "../src/runtime/thread.js"

/** One Gal-protocol run (2 trainings, one T = 100 scoring of a 2,000-image subset) as a grid job. */
const spec = Schema.decodeSync(ExperimentSpec)({
  dataset: "mnist",
  strategy: "bald",
  model: "gal-cnn",
  nInitLabeled: 200,
  nQuery: 10,
  nRound: 1,
  nValidation: 100,
  poolSubset: 2000,
  mcSamples: 100,
  epochs: 50,
  batchSize: 128,
  weightDecay: 3.5,
  seed: 1
})

const runJob = async (youngGenerationMb: number | undefined, dir: string) => {
  const entry = workerEntry()
  if (entry === undefined) throw new Error("bench/young-generation: run the compiled bench (npm run bench)")
  const worker = new Worker(entry, {
    workerData: { backend: "wasm", threads: availableParallelism(), setup: undefined } satisfies ThreadData,
    ...(youngGenerationMb === undefined ? {} : { resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb } })
  })
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const job: GridJob = { id: 0, dir, spec }
  await Effect.runPromise(onWorker(worker, job, () => {}))
  const wall = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  await worker.terminate()
  return { wall, cpu: (cpu.user + cpu.system) / 1e6, csv: readFileSync(join(dir, "results.csv"), "utf8") }
}

/**
 * The process's CPU time (all threads: the worker's JS and wasm, and V8's garbage-collection
 * helper threads) for the same grid job on a worker with V8's default young generation and with
 * deal's (`YOUNG_GENERATION_MB`), and whether both wrote the same results.csv.
 */
export const benchYoungGeneration = async () => {
  const root = mkdtempSync(join(tmpdir(), "deal-bench-gc-"))
  try {
    const base = await runJob(undefined, join(root, "default"))
    const deal = await runJob(YOUNG_GENERATION_MB, join(root, "deal"))
    const row = (name: string, r: typeof base) => ({
      young_generation: name,
      wall_s: +r.wall.toFixed(1),
      cpu_s: +r.cpu.toFixed(1),
      cpu_over_wall: +(r.cpu / r.wall).toFixed(2)
    })
    return {
      rows: [row("V8 default", base), row(`${YOUNG_GENERATION_MB} MB (deal's workers)`, deal)],
      sameResults: base.csv === deal.csv,
      cpuSaved: 1 - deal.cpu / base.cpu
    }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}
