import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { SeededDropout } from "../../src/models/seeded-dropout.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

const masks = (layer: SeededDropout, calls: number) =>
  Array.from({ length: calls }, () => tf.tidy(() => Array.from((layer.apply(tf.ones([1, 64]), { training: true }) as tf.Tensor).dataSync())))

describe("SeededDropout", () => {
  it("draws a fresh mask on every training call", () => {
    const [a, b] = masks(new SeededDropout({ rate: 0.5, seed: 1 }), 2)
    expect(a).not.toEqual(b)
    // inverted dropout: kept units are scaled by 1 / (1 − rate)
    for (const v of a) expect([0, 2]).toContain(v)
  })

  it("repeats its masks for the same seed, and after reseed", () => {
    const layer = new SeededDropout({ rate: 0.5, seed: 9 })
    const first = masks(layer, 3)
    expect(masks(new SeededDropout({ rate: 0.5, seed: 9 }), 3)).toEqual(first)
    layer.reseed(9)
    expect(masks(layer, 3)).toEqual(first)
    expect(masks(new SeededDropout({ rate: 0.5, seed: 10 }), 3)).not.toEqual(first)
  })

  it("is the identity at inference", () => {
    const out = tf.tidy(() => Array.from((new SeededDropout({ rate: 0.5, seed: 1 }).apply(tf.ones([1, 8])) as tf.Tensor).dataSync()))
    expect(out).toEqual(new Array(8).fill(1))
  })
})
