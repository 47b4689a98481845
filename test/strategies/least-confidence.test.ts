import { describe, expect, it } from "vitest"
import { leastConfidence } from "../../src/strategies/least-confidence.js"
import { run, worked } from "./fixtures.js"

describe("least-confidence", () => {
  const { rows, candidates } = worked


  it("least confidence queries the lowest max-probability (row 2)", () => {
    expect(Array.from(run(leastConfidence, rows, candidates, 1, 1))).toEqual([30])
    expect(Array.from(run(leastConfidence, rows, candidates, 3, 1))).toEqual([30, 10, 20])
  })
})
