// `npm run bench`: deal against PyTorch on the same cores, conv kernels on wasm, a Gal CNN epoch
// on wasm vs cpu, strategies at pool scale beside numpy, seconds per AL round. `npm run bench -- --quick` times cpu on one batch and
// skips the AL rounds and PyTorch's rounds; `-- --full` runs the strategy benchmarks at the
// issue's sizes (N = 100,000 and 1,000,000; tens of minutes); `-- --pytorch` runs only the
// side-by-side table; `-- --webgpu` adds a Gal CNN epoch on webgpu (any adapter, even llvmpipe);
// `-- --startup` times only the command line's start-up.
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as aq from "arquero"
import { Effect } from "effect"
import { benchAlRounds } from "./al-round.js"
import { benchConvKernels } from "./conv-kernels.js"
import { benchWasmKernels } from "./wasm-kernels.js"
import { benchFrozenFeatures } from "./frozen-features.js"
import { benchGalCnnEpoch } from "./gal-cnn-epoch.js"
import { benchStrategies } from "./strategies.js"
import { benchYoungGeneration } from "./young-generation.js"
import { benchVersusNumpy } from "./versus-numpy.js"
import { benchVersusPytorch } from "./versus-pytorch.js"
import { benchWebgpuEpoch } from "./webgpu-epoch.js"

/** Rows as a Markdown table; a column a row lacks is left blank. */
const table = (rows: ReadonlyArray<object>) => {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))]
  const filled = rows.map((r) => Object.fromEntries(columns.map((c) => [c, (r as Record<string, unknown>)[c] ?? ""])))
  return aq.from(filled).toMarkdown()
}
const quick = process.argv.includes("--quick")

console.log("## Start-up of the command line (median seconds of 7 cold processes; ratio = deal / bare node; goal ≤ 0.5 s)\n")
// in a small process of its own: spawning from this one, which holds the benchmarks' modules, costs more
spawnSync(process.execPath, [fileURLToPath(new URL("./start-up.js", import.meta.url))], { stdio: "inherit" })
if (process.argv.includes("--startup")) process.exit(0)
console.log("")

console.log("## deal against PyTorch on the same machine and cores (seconds)\n")
const versus = await benchVersusPytorch(quick ? { cases: ["epoch", "bald"] } : {})
console.log(`deal: wasm with XNNPACK on 1 and on ${versus.threads} threads; peer: ${versus.peer}; ratio = deal / PyTorch\n`)
console.log(table(versus.rows))
/** With `--webgpu`: a Gal CNN epoch on webgpu (any adapter, even llvmpipe), tfjs's conv gradients against deal's. */
const webgpuSection = async () => {
  if (!process.argv.includes("--webgpu")) return
  console.log("\n## webgpu: a Gal CNN epoch of 256 images, batch 64, with tfjs's and with deal's convolution gradients\n")
  console.log(table(await benchWebgpuEpoch()))
}
if (process.argv.includes("--pytorch")) {
  await webgpuSection()
  process.exit(0)
}

console.log("## Conv2D gradient kernels on wasm (ms per call; median)\n")
console.log(table(await benchConvKernels()))

console.log("\n## Other wasm kernels deal replaces (ms per call; median)\n")
console.log(table(await benchWasmKernels()))

console.log("\n## Gal CNN, one epoch on 512 MNIST images, batch 64\n")
const epochs = await Effect.runPromise(benchGalCnnEpoch(quick))
const [wasm, cpu] = epochs
console.log(table(epochs))
console.log(`\nwasm (deal kernels) is ${(cpu.epoch_s / wasm.epoch_s).toFixed(1)}× faster than cpu per epoch`)

console.log("\n## Strategies: time and peak RSS, deal vs the straightforward implementation (`--full` for N = 100,000 / 1,000,000)\n")
console.log(table(benchStrategies({ full: process.argv.includes("--full") })))

console.log("\n## Strategies at pool scale: deal beside numpy on the same inputs and cores (seconds)\n")
const numpy = await benchVersusNumpy(process.argv.includes("--full") ? { nCover: 100_000 } : {})
console.log(`peer: ${numpy.peer}; ratio = deal / numpy\n`)
console.log(table(numpy.rows))

console.log("\n## A frozen-feature round: 50,000 × 384 embeddings, 100 labels, a linear head, a query of 100 (seconds)\n")
console.log(table(await benchFrozenFeatures()))

if (!quick) {
  console.log("\n## Seconds per round: MNIST, entropy, Gal CNN, 60,000-image pool, 10,000 test images\n")
  console.log(table(await Effect.runPromise(benchAlRounds(2))))

  console.log("\n## Garbage collection: one Gal-protocol grid job (200 labels, 2 trainings, T = 100 on 2,000 images) on a worker\n")
  const gc = await benchYoungGeneration()
  console.log(table(gc.rows))
  console.log(`\nsame results.csv: ${gc.sameResults ? "yes" : "NO"}; CPU time ${(100 * gc.cpuSaved).toFixed(0)}% lower with deal's young generation`)
}

await webgpuSection()
