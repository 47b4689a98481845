import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import type { Dataset } from "../../src/data/dataset.js"
import { modelEvaluator } from "../../src/loop/evaluator.js"
import type { RunEvent } from "../../src/loop/events.js"
import { stopSetObserver } from "../../src/loop/observer.js"
import { Progress } from "../../src/runtime/progress.js"
import { strategyQuerier } from "../../src/loop/querier.js"
import { modelTrainer } from "../../src/loop/trainer.js"
import { mlp } from "../../src/models/mlp.js"
import { Retrainer, stageRetrainer, type StageRetrainerConfig } from "../../src/label/retrainer.js"
import { openLabelSession } from "../../src/label/session.js"
import { openLabelsLog } from "../../src/run/labels-log.js"
import { Backend } from "../../src/runtime/backend.js"
import { RandomStream } from "../../src/runtime/random.js"
import { Rng } from "../../src/runtime/rng.js"
import { entropy } from "../../src/strategies/entropy.js"
import { parseStopping } from "../../src/stopping/catalogue.js"

/** Two Gaussian blobs in 2-D, `n` points, class 0 around (−1, −1) and class 1 around (1, 1). */
const blobs = (n: number, seed: number, labelled: boolean): { data: Dataset; truth: Int32Array } => {
  const rng = RandomStream.make(seed, "blobs")
  // a sum of four uniforms: near-normal noise, standard deviation 0.6
  const noise = () => (rng.next() + rng.next() + rng.next() + rng.next() - 2) * 1.04
  const x = new Float32Array(2 * n)
  const truth = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    truth[i] = i % 2
    const c = truth[i] === 0 ? -1 : 1
    x[2 * i] = c + noise()
    x[2 * i + 1] = c + noise()
  }
  const ids = Array.from({ length: n }, (_, i) => `row-${i}`)
  return { data: { name: "blobs", x, shape: [2], y: labelled ? truth : new Int32Array(n).fill(-1), classNames: ["a", "b"], ids, kind: "tabular" }, truth }
}

const stages = Layer.mergeAll(
  modelTrainer(mlp({ hidden: 8 }), { epochs: 20, batchSize: 16, learningRate: 0.05 }),
  modelEvaluator,
  stopSetObserver,
  strategyQuerier(entropy)
).pipe(Layer.provideMerge(Rng.layer(7)), Layer.provideMerge(Progress.silent), Layer.provideMerge(Backend.layer("cpu")))

/** The session's retrainer: the loop's stages, in this thread. */
const withRetrainer = (config: StageRetrainerConfig) => Effect.provideServiceEffect(Retrainer, stageRetrainer(config))

describe("a labelling session: people answer, models retrain in the background", () => {
  it.scopedLive("a person who answers gets items without waiting, later items come from newer models, and models improve", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "deal-session-"))
      const { data: pool, truth } = blobs(300, 1, false)
      const { data: test } = blobs(100, 2, true)
      const log = yield* openLabelsLog(dir)
      const events: Array<Extract<RunEvent, { _tag: "RoundCompleted" }>> = []
      const reporter = { report: (e: RunEvent) => Effect.sync(() => void (e._tag === "RoundCompleted" && events.push(e))) }
      const stopping = ["stabilizing-predictions", "max-confidence"].map((name) => Effect.runSync(parseStopping(name)))
      const session = yield* openLabelSession({ pool, log, retrainEvery: 10, seed: 3, stopping }).pipe(withRetrainer({ pool, test, seed: 3, reporter }))
      const shownVersions: Array<number> = []
      for (let answered = 0; answered < 60; ) {
        const items = yield* session.next(5)
        expect(items.length).toBe(5)
        for (const item of items) {
          shownVersions.push(item.version)
          yield* session.answer({ request: `q${answered}`, item: item.id, answer: { label: pool.classNames[truth[item.index]] }, annotator: "sim" })
          answered++
        }
        // the simulated person is slower than training: the next batch once every model due has trained
        yield* session.settled
      }
      yield* session.settled
      const status = yield* session.status
      expect(status.error).toBeUndefined()
      expect(status.labeled).toBe(60)
      expect(status.waits).toBe(0)
      expect(status.version).toBeGreaterThanOrEqual(5)
      expect(status.models.map((m) => m.labels)).toEqual(status.models.map((_, i) => status.models[i].labels).sort((a, b) => a - b))
      // the first items come from the random order, later ones from trained models, newer and newer
      expect(shownVersions.slice(0, 10).every((v) => v === 0)).toBe(true)
      expect(shownVersions.at(-1)).toBeGreaterThanOrEqual(4)
      for (let i = 1; i < shownVersions.length; i++) expect(shownVersions[i]).toBeGreaterThanOrEqual(shownVersions[i - 1])
      expect(status.models.at(-1)!.accuracy).toBeGreaterThan(0.85)
      // each model is a round of an ordinary run: model v is round v − 1, with its labels, test
      // accuracy, and what the previous model thought of the items it chose that now have labels
      expect(events.map((e) => e.result.round)).toEqual(status.models.map((m) => m.version - 1))
      expect(events.map((e) => e.result.labeled)).toEqual(status.models.map((m) => m.labels))
      expect(events.map((e) => e.result.accuracy)).toEqual(status.models.map((m) => m.accuracy))
      expect(events[0].observation.queried).toBeUndefined()
      for (const e of events.slice(1)) {
        const q = e.observation.queried!
        expect(q.labels.length).toBeGreaterThan(0)
        expect(q.predicted.length).toBe(q.labels.length)
        expect(e.observation.stopSet.predictions.length).toBe(300)
      }
      for (const stop of status.stops) {
        expect(["stabilizing-predictions", "max-confidence"]).toContain(stop.criterion)
        expect(stop.version).toBeLessThanOrEqual(status.version)
      }
    }).pipe(Effect.provide(stages))
  , 60_000)

  it.scoped("a session opened again on the same log shows none of the answered items, and an undone item comes back first", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "deal-session-"))
      const { data: pool } = blobs(40, 1, false)
      const { data: test } = blobs(10, 2, true)
      const answeredIds = yield* Effect.scoped(
        Effect.gen(function* () {
          const log = yield* openLabelsLog(dir)
          const session = yield* openLabelSession({ pool, log, retrainEvery: 100, seed: 3 }).pipe(withRetrainer({ pool, test, seed: 3 }))
          const items = yield* session.next(4)
          for (const [i, item] of items.entries()) yield* session.answer({ request: `q${i}`, item: item.id, answer: i === 3 ? { skip: true } : { label: "a" } })
          return items.map((i) => i.id)
        })
      )
      const log = yield* openLabelsLog(dir)
      const session = yield* openLabelSession({ pool, log, retrainEvery: 100, seed: 3 }).pipe(withRetrainer({ pool, test, seed: 3 }))
      const shown = (yield* session.next(40)).map((i) => i.id)
      expect(shown).toHaveLength(36)
      expect(shown.filter((id) => answeredIds.includes(id))).toEqual([])
      yield* session.undo({ request: "u1" })
      expect((yield* session.next(1))[0].id).toBe(answeredIds[3])
    }).pipe(Effect.provide(stages))
  )
})
