import fc from "fast-check"
import { Effect, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { decodeSpec, ExperimentSpec } from "../../src/run/spec.js"
import { decodeGridSpec, readGridSpec, resolveGrid } from "../../src/grid/spec.js"
import { mergeGrids, threadsPerWorker } from "../../src/grid/runner.js"
import { etaSeconds, GridEvent, initialProgress, progressLines, stepProgress } from "../../src/grid/progress.js"

const resolveFile = (file: string, profile?: string) =>
  Effect.runPromise(Effect.flatMap(readGridSpec(file), (g) => resolveGrid(g, profile === undefined ? {} : { profile })))

describe("the reproductions in experiments/", () => {
  it("gal2017-mnist: every profile resolves to valid experiment specs, the full one as the paper's protocol", async () => {
    const full = await resolveFile("experiments/gal2017-mnist.json")
    expect(full.runs).toHaveLength(15)
    expect(full.strategies).toEqual(["bald", "variation-ratios", "entropy-dropout", "mean-std", "random"])
    const spec = await Effect.runPromise(decodeSpec(full.runs[0].spec))
    expect(spec).toMatchObject({
      dataset: "mnist", model: "gal-cnn", nInitLabeled: 20, initialSelection: "balanced", nQuery: 10, nRound: 100,
      nValidation: 100, poolSubset: 2000, mcSamples: 100, epochs: 50, batchSize: 128, learningRate: 0.001, weightDecay: 3.5,
      warmStart: false, strategy: "bald", seed: 1
    })
    expect(full.report.paper?.reach.random.labels["0.95"]).toBe(835)

    const quick = await resolveFile("experiments/gal2017-mnist.json", "quick")
    expect(quick.profile).toBe("quick")
    // what the profile is for and what it changes travel with the grid, for its report to say
    expect(quick.profileAbout).toMatch(/^a CI-sized check/)
    expect(quick.profileChanges).toMatchObject({ nRound: 6, mcSamples: 10 })
    expect(quick.runs.map((r) => r.dir)).toContain("mean-std/seed-2")
    for (const run of quick.runs) {
      const s = await Effect.runPromise(decodeSpec(run.spec))
      expect(s.nTrain).toBeLessThanOrEqual(5000)
      expect(s.nRound).toBeLessThanOrEqual(10)
      expect(s.initialSelection).toBe("balanced")
    }
    const cpu = await resolveFile("experiments/gal2017-mnist.json", "cpu")
    expect(cpu.runs[0].spec.mcSamples).toBe(20)
  })

  it("stopping-spam: 10 seeds of uncertainty sampling with logreg, and a quick profile", async () => {
    const full = await resolveFile("experiments/stopping-spam.json")
    expect(full.runs).toHaveLength(10)
    expect(full.report.stopping).toBe(true)
    expect(full.runs[0].spec).toMatchObject({ dataset: "spam", model: "logreg", strategy: "entropy", nInitLabeled: 10, nQuery: 10 })
    const quick = await resolveFile("experiments/stopping-spam.json", "quick")
    expect(quick.runs.map((r) => r.seed)).toEqual([1, 2, 3])
    for (const run of quick.runs) await Effect.runPromise(decodeSpec(run.spec))
  })
})

describe("grid specs", () => {
  const grid = {
    name: "g",
    description: "d",
    base: { dataset: "mnist", nInitLabeled: 10, nQuery: 10, nRound: 2 },
    strategies: ["entropy", "random"],
    seeds: [1, 2],
    profiles: { small: { nRound: 1, seeds: [7] } }
  }
  const fail = (input: unknown, options = {}) =>
    Effect.runPromise(Effect.flip(Effect.flatMap(decodeGridSpec(input), (g) => resolveGrid(g, options)))).then((e) => e.message)

  it("applies a profile and command-line seeds", async () => {
    const r = await Effect.runPromise(Effect.flatMap(decodeGridSpec(grid), (g) => resolveGrid(g, { profile: "small" })))
    expect(r.runs.map((x) => [x.dir, x.spec.nRound])).toEqual([["entropy/seed-7", 1], ["random/seed-7", 1]])
    const s = await Effect.runPromise(Effect.flatMap(decodeGridSpec(grid), (g) => resolveGrid(g, { seeds: [3, 4, 5] })))
    expect(s.runs).toHaveLength(6)
  })

  it("runs command-line strategies in their order within each seed, and grid.json keeps the runs it recorded", async () => {
    const resolve = (options: Parameters<typeof resolveGrid>[1]) => Effect.runPromise(Effect.flatMap(decodeGridSpec(grid), (g) => resolveGrid(g, options)))
    const all = await resolve({})
    const some = await resolve({ strategies: ["random", "margin"], seeds: [2, 3] })
    expect(some.runs.map((r) => r.dir)).toEqual(["random/seed-2", "margin/seed-2", "random/seed-3", "margin/seed-3"])
    const merged = mergeGrids(all, some)
    expect(merged.runs.map((r) => r.dir)).toEqual([
      "entropy/seed-1", "random/seed-1", "entropy/seed-2", "random/seed-2", "margin/seed-2", "random/seed-3", "margin/seed-3"
    ])
    expect(merged.strategies).toEqual(["entropy", "random", "margin"])
    expect(merged.seeds).toEqual([1, 2, 3])
    expect(mergeGrids({ ...some, runs: [], strategies: [], seeds: [] }, some)).toEqual(some)
  })

  it("says what is wrong: a typo, an unknown strategy or profile, an invalid field", async () => {
    expect(await fail({ ...grid, base: { ...grid.base, nRund: 3 } })).toContain("base.nRund: is unexpected")
    expect(await fail({ ...grid, strategies: ["entropy", "nope"] })).toContain("unknown strategy 'nope'")
    expect(await fail(grid, { profile: "big" })).toBe("grid 'g' has no profile 'big': expected one of small")
    expect(await fail({ ...grid, base: { ...grid.base, nQuery: 0 } })).toContain("strategy entropy, seed 1: nQuery")
    expect(await fail(grid, { seeds: [1, 1] })).toBe("seeds repeat: 1, 1")
    expect(await fail({ ...grid, seeds: [-1] })).toBe("grid spec: seeds.0: a seed is an integer from 0 to 4294967295 (2^32 − 1), got -1")
  })
})

describe("grid progress", () => {
  const run = (strategy: string, seed: number) => ({
    strategy,
    seed,
    dir: `${strategy}/seed-${seed}`,
    spec: Schema.decodeSync(ExperimentSpec)({ dataset: "mnist", strategy, seed, nInitLabeled: 10, nQuery: 10, nRound: 3 })
  })
  it("counts runs done, shows each worker's round and estimates the time left from the rounds computed", () => {
    const runs = [run("a", 1), run("b", 1)]
    const events = [
      GridEvent.GridStarted({ name: "g", profile: null, runs, workers: 2, inProcess: false, out: "x" }),
      GridEvent.JobStarted({ slot: 0, run: runs[0] }),
      GridEvent.JobStarted({ slot: 1, run: runs[1] }),
      GridEvent.JobRound({ slot: 0, run: runs[0], round: { round: 0, labeled: 10, accuracy: 0.5 } }),
      GridEvent.JobRound({ slot: 0, run: runs[0], round: { round: 1, labeled: 20, accuracy: 0.6 } })
    ]
    const state = events.reduce(stepProgress, initialProgress(0))
    // 2 rounds in 10 s; left: 2 of run a, 4 of run b → 6 rounds at 0.2 rounds/s = 30 s
    expect(etaSeconds(state, 10_000)).toBeCloseTo(30, 9)
    expect(progressLines(state, 10_000)).toEqual([
      "grid g: 0/2 runs done, 10s elapsed, ETA 30s",
      "  worker 1: a seed 1: round 2/4, 20 labels, accuracy 0.600",
      "  worker 2: b seed 1: starting"
    ])
    const done = stepProgress(state, GridEvent.JobFinished({ slot: 0, run: runs[0], outcome: { status: "skipped", rounds: 4, lastRound: null, seconds: 0 } }))
    expect(progressLines(done, 10_000)[0]).toBe("grid g: 1/2 runs done (1 already finished), 10s elapsed, ETA 20s")
  })
})

describe("cores for a grid's workers", () => {
  it("gives each worker an equal whole share of the cores, at least one thread", () => {
    expect(threadsPerWorker(16, 4)).toBe(4)
    expect(threadsPerWorker(16, 3)).toBe(5) // one core left idle rather than uneven workers
    expect(threadsPerWorker(2, 2)).toBe(1)
    expect(threadsPerWorker(2, 8)).toBe(1)
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 256 }), fc.integer({ min: 1, max: 64 }), (cores, workers) => {
        const t = threadsPerWorker(cores, workers)
        expect(t).toBeGreaterThanOrEqual(1)
        expect(t * workers <= cores || t === 1).toBe(true)
      })
    )
  })
})
