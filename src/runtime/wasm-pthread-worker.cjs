// The script each XNNPACK thread of deal's threaded wasm backend runs (see wasm-threads.ts).
// tfjs-backend-wasm ships this script only as a string, which it turns into a `blob:` URL for a
// Web Worker; Node's worker_threads start from a file, so this file evaluates that string. The
// newline escape is tfjs's own (its string holds raw newlines inside string literals).
const { wasmWorkerContents } = require("@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js")
eval(wasmWorkerContents.replace(/\n/g, "\\n"))
