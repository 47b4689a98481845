// `npm run bench`: conv kernels on wasm, a Gal CNN epoch on wasm vs cpu, seconds per AL round.
// `npm run bench -- --quick` skips the AL rounds (about two minutes on 2 cores).
import * as aq from "arquero"
import { Effect } from "effect"
import { benchAlRounds } from "./al-round.js"
import { benchConvKernels } from "./conv-kernels.js"
import { benchGalCnnEpoch } from "./gal-cnn-epoch.js"

const table = (rows: ReadonlyArray<object>) => aq.from(rows as Array<Record<string, unknown>>).toMarkdown()
const quick = process.argv.includes("--quick")

console.log("## Conv2D gradient kernels on wasm (ms per call; median)\n")
console.log(table(await benchConvKernels()))

console.log("\n## Gal CNN, one epoch on 512 MNIST images, batch 64\n")
const epochs = await Effect.runPromise(benchGalCnnEpoch())
const [wasm, cpu] = epochs
console.log(table(epochs))
console.log(`\nwasm (deal kernels) is ${(cpu.epoch_s / wasm.epoch_s).toFixed(1)}× faster than cpu per epoch`)

if (!quick) {
  console.log("\n## Seconds per round: MNIST, entropy, Gal CNN, 60,000-image pool, 10,000 test images\n")
  console.log(table(await Effect.runPromise(benchAlRounds(2))))
}
