import type { Dataset } from "../../src/data/dataset.js"
import { RandomStream } from "../../src/runtime/random.js"

/**
 * `n` seeded examples of `shape` whose class is their index mod `classes`: uniform values in
 * [0, 1), or with `tokens` token ids from 2 to tokens − 1 (0 pads, 1 is out-of-vocabulary).
 */
export const noiseDataset = (options: {
  readonly n: number
  readonly shape: ReadonlyArray<number>
  readonly classes?: number
  readonly seed?: number
  readonly tokens?: number
}): Dataset => {
  const { n, shape, classes = 10, seed = 1, tokens } = options
  const r = RandomStream.make(seed, "noise")
  const size = shape.reduce((a, b) => a * b, 1)
  return {
    name: "noise",
    x: Float32Array.from({ length: n * size }, () => (tokens === undefined ? r.next() : 2 + r.int(tokens - 2))),
    shape,
    y: Int32Array.from({ length: n }, (_, i) => i % classes),
    classNames: Array.from({ length: classes }, (_, i) => String(i)),
    kind: tokens === undefined ? "image" : "tokens"
  }
}
