import { RandomStream } from "../runtime/random.js"
import type { Dataset } from "./dataset.js"

/**
 * A toy dataset for trying a pipeline in seconds: `n` seeded points uniform in the square
 * [−1, 1]², of class `above` where x + y > 0 and `below` elsewhere (a linear boundary any model
 * learns from a few dozen labels).
 */
export const halfPlane = (n: number, seed: number): Dataset => {
  const r = RandomStream.make(seed, "half-plane")
  const x = Float32Array.from({ length: 2 * n }, () => 2 * r.next() - 1)
  const y = Int32Array.from({ length: n }, (_, i) => (x[2 * i] + x[2 * i + 1] > 0 ? 1 : 0))
  return { name: "half-plane", x, shape: [2], y, classNames: ["below", "above"] }
}
