// The package's public API is deliberate: the root offers one namespace per room, each naming
// what it offers in its index.ts; kernels and the backends' internals are not among them, and
// package.json's exports name the only entry points of code (the root and ./testing), with types.
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import * as deal from "../../src/index.js"

describe("the public API", () => {
  it("is namespaces at the root", () => {
    expect(Object.keys(deal).sort()).toEqual(["Data", "Grid", "Loop", "Models", "Report", "Run", "Runtime", "Stopping", "Strategies"])
    for (const ns of Object.values(deal)) expect(Object.keys(ns).length).toBeGreaterThan(2)
  })

  it("offers the entry points a user starts from, and leaves kernels and wasm registration inside", () => {
    expect(typeof deal.Run.activeLearning).toBe("function")
    expect(typeof deal.Run.runExperiment).toBe("function")
    expect(typeof deal.Strategies.scoredStrategy).toBe("function")
    expect(typeof deal.Stopping.anyOf).toBe("function")
    expect(deal.Loop.Trainer.key).toBeDefined()
    const offered = new Set(Object.values(deal).flatMap((ns) => Object.keys(ns)))
    for (const inside of ["topK", "tieBreakRanks", "kCenterGreedy", "registerWasmConvGradients", "registerWasmSegmentSum", "minSquaredDistances", "workerEntry"]) {
      expect(offered.has(inside), inside).toBe(false)
    }
  })

  it("has two entry points of code in package.json, each with its types (and the package.json itself)", () => {
    const exports = (JSON.parse(readFileSync("package.json", "utf8")) as { exports: Record<string, string | { types: string; default: string }> }).exports
    expect(Object.keys(exports)).toEqual([".", "./testing", "./package.json"])
    for (const key of [".", "./testing"]) expect((exports[key] as { types: string }).types).toMatch(/\.d\.ts$/)
  })
})
