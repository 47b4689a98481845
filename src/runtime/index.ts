/**
 * Runtime: The ground floor: the tfjs backend (wasm on every core, WebGPU, cpu), seeded randomness, tensors
 * held for a scope, progress, atomic writes.
 */
export { Backend, BackendError, initBackend, backendNames, type BackendName, type BackendPreference } from "./backend.js"
export { RandomStream, deriveSeed, type RandomState } from "./random.js"
export { Rng, randomStream } from "./rng.js"
export { acquireDisposable, acquireTensor } from "./tensors.js"
export { tidyValue } from "./tidy-value.js"
export { Progress } from "./progress.js"
export { WriteError } from "./atomic-write.js"
export { writeFileAtomic } from "./atomic-write.js"
