import * as tf from "@tensorflow/tfjs-core"
import { readInto } from "../../runtime/read-into.js"
import { tidyValue } from "../../runtime/tidy-value.js"
import { defaultDistanceBudget } from "./distances.js"

/**
 * The rows [from, to) of `centred` [N × d] (on the backend, centred: see `centringOffsetOf`)
 * against every row, a block of rows at a time: `visit(r0, r1, products)` gets x_j·x_i at
 * `products[j·(r1 − r0) + i − r0]` for i in [r0, r1) and every j, in memory reused by the next
 * block. The squared distance is `norms[i] + norms[j] − 2·product`. One product of the pool with
 * the block's rows (the pool on the left: wasm packs the small right operand, not the pool).
 */
export const forEachDistanceBlock = (
  centred: tf.Tensor2D,
  visit: (r0: number, r1: number, products: Float32Array) => void,
  budget = defaultDistanceBudget,
  from = 0,
  to = centred.shape[0]
): void => {
  const N = centred.shape[0]
  const rows = Math.max(1, Math.min(to - from, Math.floor(budget / Math.max(1, N))))
  const products = new Float32Array(rows * N)
  for (let r0 = from; r0 < to; r0 += rows) {
    const r1 = Math.min(to, r0 + rows)
    tidyValue(() => readInto(tf.matMul(centred, tf.slice(centred, [r0, 0], [r1 - r0, -1]), false, true), products))
    visit(r0, r1, products)
  }
}

/**
 * Every unordered pair of rows of `centred` [N × d] once (and each row with itself), a block at a
 * time: the rows are cut into chunks of Q ≈ √budget rows, and for each chunk a and each chunk
 * b ≥ a, `visit(a0, a1, b0, b1, products)` gets x_i·x_j at `products[(j − b0)·(a1 − a0) + i − a0]`
 * for i in [a0, a1), j in [b0, b1); when a = b (a0 = b0) both orders of a pair are there, and the
 * visitor takes i ≤ j or i < j. Half the products of `forEachDistanceBlock` over all rows, for
 * symmetric work (a graph, a nearest neighbour, a kernel sum). The chunks are one copy of the rows.
 */
export const forEachPairBlock = (
  centred: tf.Tensor2D,
  visit: (a0: number, a1: number, b0: number, b1: number, products: Float32Array) => void,
  budget = defaultDistanceBudget
): void => {
  const N = centred.shape[0]
  const Q = Math.max(1, Math.min(N, Math.floor(Math.sqrt(budget))))
  const products = new Float32Array(Q * Q)
  const starts = Array.from({ length: Math.ceil(N / Q) }, (_, c) => c * Q)
  const chunks = starts.map((s) => tf.slice(centred, [s, 0], [Math.min(N, s + Q) - s, -1]))
  try {
    starts.forEach((a0, a) => {
      for (let b = a; b < starts.length; b++) {
        tidyValue(() => readInto(tf.matMul(chunks[b], chunks[a], false, true), products))
        visit(a0, a0 + chunks[a].shape[0], starts[b], starts[b] + chunks[b].shape[0], products)
      }
    })
  } finally {
    tf.dispose(chunks)
  }
}
