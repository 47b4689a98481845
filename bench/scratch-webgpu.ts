import * as tf from "@tensorflow/tfjs-core"
import { Effect } from "effect"
import { loadMnist } from "../src/data/mnist.js"
import { galCnn } from "../src/models/gal-cnn.js"
import { fitModel } from "../src/models/train.js"
import { initBackend } from "../src/runtime/backend.js"
import { RandomStream } from "../src/runtime/random.js"
const mnist = await Effect.runPromise(loadMnist())
await import("@tensorflow/tfjs-backend-webgpu" as string)
const originals = ["Conv2DBackpropFilter", "Conv2DBackpropInput"].map((k) => ({ ...tf.getKernel(k, "webgpu")! }))
console.log(await Effect.runPromise(initBackend(process.argv[2] as "webgpu")))
if (process.argv[3] === "tfjs") for (const k of originals) { tf.unregisterKernel(k.kernelName, "webgpu"); tf.registerKernel(k) }
const train = mnist.train
const n = 256
const r = RandomStream.make(1)
const model = galCnn()({ inputShape: train.shape, numClasses: 10, seed: () => r.seed() })
const times: Array<number> = []
let last = performance.now()
await Effect.runPromise(fitModel(model, train, Int32Array.from({ length: n }, (_, i) => i), train.y.subarray(0, n), { epochs: 3, batchSize: 64, learningRate: 1e-3 }, RandomStream.make(1, "t"), () => Effect.sync(() => { const now = performance.now(); times.push((now - last) / 1000); last = now })))
console.log(times.map((t) => t.toFixed(2)).join(" "))
process.exit(0)
