/**
 * A labelling session: people answer the items active learning chooses, while models retrain in
 * the background. The queue of items to show always holds `lookahead` items chosen by the latest
 * model (at first: a seeded random order, before any model), so a person who answers keeps
 * getting items while the next model trains; every `retrainEvery` labels a new model is trained
 * on every label so far, measured on the test split, and chooses the next queue. Answers go to
 * the labels log (`src/run/labels-log.ts`) before they are acknowledged, and the session's state
 * is a replay of that log: a session opened on the same log shows none of the answered items again.
 *
 * The training is a `Retrainer` (`retrainer.ts`: the loop's own stages, in this thread or in a
 * worker thread), so any stage can be replaced. Each model is also a round of an ordinary run,
 * with its results row and the observation the stopping criteria fold over; the session says
 * which of them would stop here.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { Dataset } from "../data/dataset.js"
import type { LabeledSet } from "../data/labeled-set.js"
import type { RoundResult } from "../loop/events.js"
import { describeFailure } from "../runtime/failure.js"
import type { LabelsLog, LabelsLogError } from "../run/labels-log.js"
import { RandomStream } from "../runtime/random.js"
import { firstStop, type Observation, type StoppingCriterion } from "../stopping/criterion.js"
import { type Answer, itemAnswers, type LogEntry } from "../run/answers.js"
import { Retrainer } from "./retrainer.js"

export interface LabelSessionConfig {
  /** The items to label (labels unknown, −1), each named by its id (`ids`). */
  readonly pool: Dataset
  readonly log: LabelsLog
  /** Labels between two retrainings. */
  readonly retrainEvery: number
  /** Items each model queues (default 3 × retrainEvery): the slack a person has while the next trains. */
  readonly lookahead?: number
  /** Seeds the first, random order. */
  readonly seed: number
  /** The rounds (models) an earlier session of this run recorded: versions go on after them. */
  readonly history?: { readonly rounds: ReadonlyArray<RoundResult>; readonly observations: ReadonlyArray<Observation> }
  /** The stopping criteria whose verdicts the status gives. */
  readonly stopping?: ReadonlyArray<StoppingCriterion<any>>
}

/** An item to show: its place in the pool, its id, and the model that chose it (0: the random first order). */
export interface QueuedItem {
  readonly index: number
  readonly id: string
  readonly version: number
}

/** A model the session trained (round version − 1 of the run): its version, the labels it saw, its test accuracy (none without a test split). */
export interface ModelVersion {
  readonly version: number
  readonly labels: number
  readonly accuracy: number | undefined
  readonly trainSeconds: number
}

export interface SessionStatus {
  /** Items with a label (by the rule of `answers.ts`), and answers standing in all. */
  readonly labeled: number
  readonly answers: number
  /** The latest model (0: none yet), and whether a newer one is training. */
  readonly version: number
  readonly training: boolean
  readonly models: ReadonlyArray<ModelVersion>
  /** Items queued and not yet answered. */
  readonly queued: number
  /** Times someone asked for items and the queue had none left (they waited on training). */
  readonly waits: number
  /** The stopping criteria that would have stopped by now: at which model, and why. */
  readonly stops: ReadonlyArray<{ readonly criterion: string; readonly version: number; readonly labels: number; readonly reason: string }>
  /** Why the latest retraining failed, if it did (labelling goes on; the next answer retries). */
  readonly error?: string
}

export interface LabelSession {
  /**
   * Up to `n` items to show, from the front of the queue, none answered yet; with `match`, only
   * matching ones: the queue's first, then the rest of the pool's (in the first, random order,
   * as version 0: no model chose them).
   */
  readonly next: (n: number, match?: (index: number) => boolean) => Effect.Effect<ReadonlyArray<QueuedItem>>
  readonly answer: (a: { readonly request: string; readonly item: string; readonly answer: Answer; readonly annotator?: string }) => Effect.Effect<LogEntry, LabelsLogError>
  /** Undoes the annotator's latest answer; its item goes back to the front of the queue. */
  readonly undo: (u: { readonly request: string; readonly annotator?: string }) => Effect.Effect<LogEntry | undefined, LabelsLogError>
  readonly status: Effect.Effect<SessionStatus>
  /** Waits until no model is training (and none is due). */
  readonly settled: Effect.Effect<void>
}

/** Opens a session on its log for the scope; background training stops with the scope. */
export const openLabelSession = (config: LabelSessionConfig): Effect.Effect<LabelSession, never, Retrainer | Scope.Scope> =>
  Effect.gen(function* () {
    const retrainer = yield* Retrainer
    const { pool, log } = config
    const ids = pool.ids ?? Array.from({ length: pool.y.length }, (_, i) => String(i))
    const indexOf = new Map(ids.map((id, i) => [id, i]))
    const lookahead = config.lookahead ?? 3 * config.retrainEvery

    // What the log says of each item, folded again only when the log grows.
    let items = itemAnswers(yield* log.entries)
    const answered = () => items
    const reread = Effect.map(log.entries, (entries) => void (items = itemAnswers(entries)))
    const before = answered()
    const firstOrder = RandomStream.make(config.seed, "label", "first-order").permutation(ids.length)
    // Reopened: the last model's choice first, then the first order.
    const lastRound = config.history?.rounds.at(-1)
    const queuedOnce = new Set<number>()
    let queue: Array<QueuedItem> = [
      ...(lastRound?.queried ?? []).map((index) => ({ index, id: ids[index], version: lastRound!.round + 1 })),
      ...Array.from(firstOrder, (index) => ({ index, id: ids[index], version: 0 }))
    ].filter((q) => !before.has(q.id) && !queuedOnce.has(q.index) && queuedOnce.add(q.index) !== undefined)
    const observations: Array<Observation> = [...(config.history?.observations ?? [])]
    const models: Array<ModelVersion> = (config.history?.rounds ?? []).map((r) => ({
      version: r.round + 1,
      labels: r.labeled,
      accuracy: Number.isNaN(r.accuracy) ? undefined : r.accuracy,
      trainSeconds: r.trainSeconds
    }))
    const started = Date.now() - 1000 * (observations.at(-1)?.elapsedSeconds ?? 0)
    let stops: SessionStatus["stops"] = []
    let labelsAtLastTraining = models.at(-1)?.labels ?? 0
    let training = false
    let error: string | undefined
    let waits = 0
    const lock = yield* Effect.makeSemaphore(1)

    /** The labelled items (by the rule) as pool indices and class indices; answers naming no class are left out. */
    const labelled = (): LabeledSet => {
      const indices: Array<number> = []
      const labels: Array<number> = []
      for (const [id, { label }] of answered()) {
        const index = indexOf.get(id)
        const c = label === undefined ? -1 : pool.classNames.indexOf(label)
        if (index !== undefined && c >= 0) {
          indices.push(index)
          labels.push(c)
        }
      }
      return { indices: Int32Array.from(indices), labels: Int32Array.from(labels) }
    }

    /** Trains a model on every label so far (the retrainer records it), and lets it choose the next queue. */
    const retrain = Effect.gen(function* () {
      const labeled = labelled()
      const round = models.length
      const done = [...answered().keys()].flatMap((id) => (indexOf.has(id) ? [indexOf.get(id)!] : []))
      const { result, observation } = yield* retrainer.retrain({
        round,
        labeled,
        answered: Int32Array.from(done),
        k: lookahead,
        elapsedSeconds: (Date.now() - started) / 1000
      })
      observations.push(observation)
      stops = (config.stopping ?? []).flatMap((criterion) => {
        const stop = firstStop(criterion, observations)
        const at = stop === undefined ? undefined : observations[stop.index]
        return stop === undefined || at === undefined ? [] : [{ criterion: criterion.name, version: at.round + 1, labels: at.labeled, reason: stop.decision.reason }]
      })
      yield* lock.withPermits(1)(
        Effect.sync(() => {
          const now = answered()
          queue = result.queried.filter((index) => !now.has(ids[index])).map((index) => ({ index, id: ids[index], version: round + 1 }))
          models.push({ version: round + 1, labels: labeled.indices.length, accuracy: Number.isNaN(result.accuracy) ? undefined : result.accuracy, trainSeconds: result.trainSeconds })
          labelsAtLastTraining = labeled.indices.length
          error = undefined
        })
      )
    })

    const due = () => labelled().indices.length - labelsAtLastTraining >= config.retrainEvery
    /** Retrains while enough new labels have come in, one model at a time, in the background. */
    const trainWhileDue: Effect.Effect<void> = Effect.gen(function* () {
      while (due()) yield* retrain
    }).pipe(
      Effect.catchAllCause((cause) =>
        Cause.isInterruptedOnly(cause) ? Effect.void : Effect.sync(() => void (error = describeFailure(cause)))
      ),
      Effect.ensuring(Effect.sync(() => void (training = false)))
    )
    const scope = yield* Effect.scope
    /** Starts retraining in the background (in the session's scope) if it is due and not running. */
    const kick = Effect.suspend(() => {
      if (training || !due()) return Effect.void
      training = true
      return Effect.asVoid(Effect.forkIn(trainWhileDue, scope))
    })

    const session: LabelSession = {
      next: (n, match) =>
        lock.withPermits(1)(
          Effect.sync(() => {
            const now = answered()
            queue = queue.filter((q) => !now.has(q.id))
            if (match === undefined) {
              if (queue.length === 0) waits++
              return queue.slice(0, n)
            }
            const found = queue.filter((q) => match(q.index)).slice(0, n)
            const taken = new Set(found.map((q) => q.index))
            for (let i = 0; i < firstOrder.length && found.length < n; i++) {
              const index = firstOrder[i]
              if (!taken.has(index) && !now.has(ids[index]) && match(index)) found.push({ index, id: ids[index], version: 0 })
            }
            return found
          })
        ),
      answer: (a) =>
        Effect.gen(function* () {
          const { entry } = yield* log.answer(a)
          yield* reread
          yield* kick
          return entry
        }),
      undo: (u) =>
        Effect.gen(function* () {
          const undone = yield* log.undo(u)
          yield* reread
          if (undone === undefined) return undefined
          const index = indexOf.get(undone.undone.item)
          if (index !== undefined && !answered().has(undone.undone.item)) {
            yield* lock.withPermits(1)(Effect.sync(() => void (queue = [{ index, id: undone.undone.item, version: models.length }, ...queue.filter((q) => q.index !== index)])))
          }
          return undone.entry
        }),
      status: Effect.sync(() => {
        const now = answered()
        return {
          labeled: [...now.values()].filter((a) => a.label !== undefined).length,
          answers: [...now.values()].reduce((n, a) => n + a.answers.length, 0),
          version: models.length,
          training,
          models: [...models],
          queued: queue.filter((q) => !now.has(q.id)).length,
          waits,
          stops,
          ...(error === undefined ? {} : { error })
        }
      }),
      settled: Effect.zipRight(kick, Effect.sleep("20 millis")).pipe(Effect.repeat({ until: () => !training && !due() }), Effect.asVoid)
    }
    yield* kick
    return session
  })
