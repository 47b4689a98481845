import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { averageLinkage, clusterMargin } from "../../src/strategies/cluster-margin.js"
import { margin } from "../../src/strategies/margin.js"
import { blobs } from "./fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("cluster-margin", () => {
  it("average-linkage clustering recovers well-separated blobs", () => {
    const labels = averageLinkage(blobs(10, 4), 30, 2, 3)
    for (let b = 0; b < 3; b++) expect(new Set(labels.subarray(b * 10, b * 10 + 10)).size).toBe(1)
    expect(new Set(labels).size).toBe(3)
  })

  it("worked by hand: the 3·k smallest margins fall in two places; margin takes both of the two smallest from one, cluster-margin one from each", () => {
    // candidates 0–2 near (0, 0), margins 0.01, 0.02, 0.10; 3–5 near (10, 0), margins 0.05, 0.06, 0.07;
    // 6–11 near (5, 8), margins 0.8 to 0.99, beyond the shortlist of k_m = 3·k = 6
    const margins = [0.01, 0.02, 0.1, 0.05, 0.06, 0.07, 0.8, 0.85, 0.9, 0.9, 0.95, 0.99]
    const places = [[0, 0], [0.1, 0], [0, 0.1], [10, 0], [10.1, 0], [10, 0.1], [5, 8], [5.1, 8], [5, 8.1], [5.1, 8.1], [4.9, 8], [5, 7.9]]
    const probabilities = tf.tensor2d(margins.map((m) => [(1 + m) / 2, (1 - m) / 2]))
    const embeddings = tf.tensor2d(places)
    const candidates = Int32Array.from({ length: 12 }, (_, i) => 20 + i)
    const input = (seed: number) => ({ candidates, k: 2, probabilities, embeddings, rng: RandomStream.make(seed) })
    expect(Array.from(margin.select(input(1))).sort()).toEqual([20, 21])
    const spread = clusterMargin({ marginMultiple: 3 })
    for (let seed = 0; seed < 10; seed++) {
      const picked = Array.from(spread.select(input(seed))).map((c) => c - 20)
      expect(picked.map((i) => (i < 3 ? "near 0" : i < 6 ? "near 10" : "confident")).sort()).toEqual(["near 0", "near 10"])
    }
    tf.dispose([probabilities, embeddings])
  })
})
