import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { GridRun } from "./spec.js"
import type { JobOutcome, JobRound } from "./job.js"

/** What happens to the runs of a grid, slot by slot (a slot is a worker). */
export type GridEvent = Data.TaggedEnum<{
  GridStarted: { readonly name: string; readonly profile: string | null; readonly runs: ReadonlyArray<GridRun>; readonly workers: number; readonly inProcess: boolean; readonly out: string }
  JobStarted: { readonly slot: number; readonly run: GridRun }
  JobRound: { readonly slot: number; readonly run: GridRun; readonly round: JobRound }
  JobFinished: { readonly slot: number; readonly run: GridRun; readonly outcome: JobOutcome }
  JobFailed: { readonly slot: number; readonly run: GridRun; readonly message: string }
}>
export const GridEvent = Data.taggedEnum<GridEvent>()

interface SlotState {
  readonly run: GridRun
  readonly round: JobRound | null
}

/** The display's state: a pure fold over `GridEvent`s (see `stepProgress`). */
export interface GridProgressState {
  readonly name: string
  readonly total: number
  readonly done: number
  readonly failed: number
  readonly skipped: number
  readonly startedAt: number
  /** Rounds computed in this session (not the ones a resumed or skipped run already had). */
  readonly roundsComputed: number
  /** Per run dir: the highest round seen, so a resumed run's rounds are not counted as work left. */
  readonly roundsSeen: Readonly<Record<string, number>>
  readonly finishedDirs: ReadonlyArray<string>
  readonly expectedRounds: Readonly<Record<string, number>>
  readonly slots: ReadonlyArray<SlotState | null>
}

export const initialProgress = (startedAt: number): GridProgressState => ({
  name: "",
  total: 0,
  done: 0,
  failed: 0,
  skipped: 0,
  startedAt,
  roundsComputed: 0,
  roundsSeen: {},
  finishedDirs: [],
  expectedRounds: {},
  slots: []
})

const setSlot = (slots: ReadonlyArray<SlotState | null>, i: number, value: SlotState | null) => {
  const next = [...slots]
  while (next.length <= i) next.push(null)
  next[i] = value
  return next
}

/** Folds one event into the display state. */
export const stepProgress = (s: GridProgressState, e: GridEvent): GridProgressState => {
  switch (e._tag) {
    case "GridStarted":
      return {
        ...s,
        name: e.name + (e.profile === null ? "" : ` (${e.profile})`),
        total: e.runs.length,
        expectedRounds: Object.fromEntries(e.runs.map((r) => [r.dir, r.spec.nRound + 1])),
        slots: Array.from({ length: e.workers }, () => null)
      }
    case "JobStarted":
      return { ...s, slots: setSlot(s.slots, e.slot, { run: e.run, round: null }) }
    case "JobRound":
      return {
        ...s,
        roundsComputed: s.roundsComputed + 1,
        roundsSeen: { ...s.roundsSeen, [e.run.dir]: e.round.round + 1 },
        slots: setSlot(s.slots, e.slot, { run: e.run, round: e.round })
      }
    case "JobFinished":
      return {
        ...s,
        done: s.done + 1,
        skipped: s.skipped + (e.outcome.status === "skipped" ? 1 : 0),
        finishedDirs: [...s.finishedDirs, e.run.dir],
        slots: setSlot(s.slots, e.slot, null)
      }
    case "JobFailed":
      return { ...s, done: s.done + 1, failed: s.failed + 1, finishedDirs: [...s.finishedDirs, e.run.dir], slots: setSlot(s.slots, e.slot, null) }
  }
}

/**
 * Seconds left: the rounds not yet run (each unfinished run counts `nRound + 1` rounds, less the
 * ones it has shown) at the rate rounds were computed so far in this session; undefined before
 * the first round.
 */
export const etaSeconds = (s: GridProgressState, now: number): number | undefined => {
  if (s.roundsComputed === 0) return undefined
  const finished = new Set(s.finishedDirs)
  const left = Object.entries(s.expectedRounds)
    .filter(([dir]) => !finished.has(dir))
    .reduce((sum, [dir, n]) => sum + Math.max(0, n - (s.roundsSeen[dir] ?? 0)), 0)
  const rate = s.roundsComputed / Math.max(1e-3, (now - s.startedAt) / 1000)
  return left / rate
}

/** `1h02m`, `3m05s`, `42s`. */
export const formatDuration = (seconds: number): string => {
  const t = Math.max(0, Math.round(seconds))
  const h = Math.floor(t / 3600)
  const m = Math.floor((t % 3600) / 60)
  const sec = t % 60
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : m > 0 ? `${m}m${String(sec).padStart(2, "0")}s` : `${sec}s`
}

const runName = (run: GridRun) => `${run.strategy} seed ${run.seed}`

/** The header line: runs done of total, failures, ETA. */
export const progressHeader = (s: GridProgressState, now: number): string => {
  const eta = etaSeconds(s, now)
  return (
    `grid ${s.name}: ${s.done}/${s.total} runs done` +
    (s.skipped ? ` (${s.skipped} already finished)` : "") +
    (s.failed ? `, ${s.failed} failed` : "") +
    `, ${formatDuration((now - s.startedAt) / 1000)} elapsed` +
    (s.done === s.total ? "" : `, ETA ${eta === undefined ? "…" : formatDuration(eta)}`)
  )
}

/** One line per worker: the run it is on and its current round. */
export const progressLines = (s: GridProgressState, now: number): ReadonlyArray<string> => [
  progressHeader(s, now),
  ...s.slots.map((slot, i) => {
    const who = `  worker ${i + 1}: `
    if (slot === null) return `${who}idle`
    const rounds = s.expectedRounds[slot.run.dir] ?? slot.run.spec.nRound + 1
    return slot.round === null
      ? `${who}${runName(slot.run)}: starting`
      : `${who}${runName(slot.run)}: round ${slot.round.round + 1}/${rounds}, ${slot.round.labeled} labels, accuracy ${slot.round.accuracy.toFixed(3)}`
  })
]

/** The line logged when a run ends. */
export const finishedLine = (s: GridProgressState, e: GridEvent, now: number): string | undefined => {
  const eta = etaSeconds(s, now)
  const etaText = s.done === s.total ? "" : `; ETA ${eta === undefined ? "…" : formatDuration(eta)}`
  switch (e._tag) {
    case "JobFinished": {
      const { outcome } = e
      const last = outcome.lastRound
      const what =
        outcome.status === "skipped"
          ? "already finished"
          : `${outcome.status === "resumed" ? `resumed at round ${outcome.fromRound}, ` : ""}${outcome.rounds} rounds in ${formatDuration(outcome.seconds)}`
      const result = last === null ? "" : ` (${last.labeled} labels, accuracy ${last.accuracy.toFixed(3)})`
      return `[${s.done}/${s.total}] ${runName(e.run)}: ${what}${result}${etaText}`
    }
    case "JobFailed":
      return `[${s.done}/${s.total}] ${runName(e.run)} FAILED: ${e.message}${etaText}`
    default:
      return undefined
  }
}

/** Where a grid's progress goes. */
export class GridProgress extends Context.Tag("deal/GridProgress")<
  GridProgress,
  { readonly event: (e: GridEvent) => Effect.Effect<void> }
>() {
  static readonly silent: Layer.Layer<GridProgress> = Layer.succeed(GridProgress, { event: () => Effect.void })

  /**
   * On a TTY, a block redrawn in place (runs done/total and ETA, then one line per worker with its
   * round), with a line logged above it as each run ends; otherwise one line per finished run.
   */
  static stream(stream: NodeJS.WriteStream = process.stderr, now: () => number = Date.now): Layer.Layer<GridProgress> {
    return Layer.sync(GridProgress, () => {
      let state = initialProgress(now())
      let drawn = 0
      let last = 0
      const tty = stream.isTTY === true
      const write = (text: string) => void stream.write(text)
      const redraw = (logLine?: string) => {
        const up = drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ""
        // lines cut to the terminal's width, so that none wraps and the block redraws in place
        const width = Math.max(20, (stream.columns ?? 120) - 1)
        const lines = progressLines(state, now()).map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l))
        write(up + (logLine === undefined ? "" : `deal: ${logLine}\n`) + lines.join("\n") + "\n")
        drawn = lines.length
        last = now()
      }
      return {
        event: (e) =>
          Effect.sync(() => {
            state = stepProgress(state, e)
            const line = e._tag === "GridStarted" ? startLine(e) : finishedLine(state, e, now())
            if (!tty) {
              if (line !== undefined) write(`deal: ${line}\n`)
              return
            }
            if (line !== undefined || now() - last >= 200) redraw(line)
          })
      }
    })
  }
}

const startLine = (e: Extract<GridEvent, { readonly _tag: "GridStarted" }>) => {
  const strategies = new Set(e.runs.map((r) => r.strategy)).size
  const seeds = new Set(e.runs.map((r) => r.seed)).size
  return (
    `grid ${e.name}${e.profile === null ? "" : ` (profile ${e.profile})`}: ${e.runs.length} runs ` +
    `(${strategies} strateg${strategies === 1 ? "y" : "ies"} × ${seeds} seed${seeds === 1 ? "" : "s"}) ` +
    (e.inProcess ? "in this process (no compiled worker found)" : `on ${e.workers} worker thread${e.workers === 1 ? "" : "s"}`) +
    ` → ${e.out}`
  )
}
