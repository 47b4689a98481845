import * as tf from "@tensorflow/tfjs-core"
import "@tensorflow/tfjs-backend-cpu"
import { beforeAll, describe, expect, it } from "vitest"
import { margin, marginScore } from "../../src/strategies/margin.js"
import { run, score, worked } from "./fixtures.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

describe("margin", () => {
  const { rows, candidates } = worked


  it("margin queries the smallest p1 − p2 (row 0), not the largest (MDALTH's bug picked row 1)", () => {
    expect(score(marginScore, rows).map((v) => +v.toFixed(4))).toEqual([0.01, 0.85, 0.1])
    expect(Array.from(run(margin, rows, candidates, 1, 1))).toEqual([10])
    expect(Array.from(run(margin, rows, candidates, 2, 1))).toEqual([10, 30])
  })
})
