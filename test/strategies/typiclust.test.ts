import { describe, expect, it } from "vitest"
import { RandomStream } from "../../src/runtime/random.js"
import { typiclustSelect } from "../../src/strategies/typiclust.js"
import { blobs, grid } from "./fixtures.js"

describe("typiclust", () => {
  it("cold start: one point from each of three blobs, each the most typical of its blob", () => {
    const x = blobs(20, 2)
    const picked = Array.from(typiclustSelect(x, 60, 2, 0, 3, RandomStream.make(1)))
    expect(picked.map((i) => Math.floor(i / 20)).sort()).toEqual([0, 1, 2])
  })

  it("measures typicality the same with products of centred rows as with exact differences", () => {
    // 300 points per blob, far from the origin (the product path centres them first), 20 labelled
    const x = blobs(300, 5).map((v) => v + 400)
    const exact = typiclustSelect(x, 900, 2, 20, 12, RandomStream.make(2), { productsFrom: Infinity })
    const products = typiclustSelect(x, 900, 2, 20, 12, RandomStream.make(2), { productsFrom: 0 })
    expect(Array.from(products)).toEqual(Array.from(exact))
  })

  it("queries the uncovered blob first when the others are labelled", () => {
    const all = blobs(40, 3)
    const rows = (from: number, to: number) => Array.from(all.subarray(2 * from, 2 * to))
    // Labelled first: half of blob 0 and half of blob 1. Candidates: their other halves (0..39), then all of blob 2 (40..79).
    const x = Float32Array.from([...rows(0, 20), ...rows(40, 60), ...rows(20, 40), ...rows(60, 80), ...rows(80, 120)])
    const picked = typiclustSelect(x, 120, 2, 40, 1, RandomStream.make(1), { maxClusters: 3 })
    expect(picked[0]).toBeGreaterThanOrEqual(40)
    expect(picked[0]).toBeLessThan(80)
  })
})

describe("typiclust above 50 clusters (mini-batch k-means, as the authors')", () => {
  it("cold start with 60 blobs and a budget of 60: one pick in each blob", () => {
    const x = grid(60, 20, 8)
    const picked = Array.from(typiclustSelect(x, 1200, 2, 0, 60, RandomStream.make(3)))
    expect(new Set(picked.map((i) => Math.floor(i / 20))).size).toBe(60)
  })
})
