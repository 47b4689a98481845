import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { coldStartIndices, coldStarts } from "../../src/strategies/cold-start.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("cold start: a label-free first batch from the features", () => {
  it("typiclust, probcover and kmeans each take one example from each of three blobs", () => {
    const r = RandomStream.make(6)
    const x = Float32Array.from({ length: 90 * 2 }, (_, i) => 50 * (Math.floor(i / 60) % 3) * (i % 2 === 0 ? 1 : -1) + 3 * r.next())
    for (const mode of coldStarts) {
      const picked = Array.from(coldStartIndices(x, 90, 2, 3, mode, 3, RandomStream.make(2)))
      expect(new Set(picked.map((i) => Math.floor(i / 30)))).toEqual(new Set([0, 1, 2]))
    }
  })
})
