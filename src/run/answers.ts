/**
 * People's answers, as the labels log records them, and what they mean: which answers still
 * stand after undos, and each item's label. Pure: the log (`src/run/labels-log.ts`) is replayed
 * through these functions, so the server's state after a restart is exactly that before it.
 *
 * The rule for an item's label: the majority of its standing label answers, a tie going to the
 * latest of the tied labels. Every answer is kept (two annotators who disagree are both in the
 * log and in the export); a skip or a "not sure" is no label and takes the item out of the queue.
 */
import * as Schema from "effect/Schema"

/** One answer about an item: a class, a skip, or "not sure". */
export const Answer = Schema.Union(
  Schema.Struct({ label: Schema.String }),
  Schema.Struct({ skip: Schema.Literal(true) }),
  Schema.Struct({ unsure: Schema.Literal(true) })
)
export type Answer = typeof Answer.Type

const Common = {
  /** Its place in the log, from 1. */
  seq: Schema.Int.pipe(Schema.greaterThanOrEqualTo(1)),
  /** When the server recorded it (ISO 8601). */
  at: Schema.String,
  /** The client's id for the request: the same request sent again is recorded once. */
  request: Schema.String,
  annotator: Schema.optional(Schema.String)
}

/** An answer about `item` (an image's path in the dataset, a row's id). */
export const AnswerEntry = Schema.Struct({ ...Common, item: Schema.String, answer: Answer })
export type AnswerEntry = typeof AnswerEntry.Type

/** The undo of the answer recorded as entry `undo`. */
export const UndoEntry = Schema.Struct({ ...Common, undo: Schema.Int })
export type UndoEntry = typeof UndoEntry.Type

export const LogEntry = Schema.Union(AnswerEntry, UndoEntry)
export type LogEntry = typeof LogEntry.Type

export const isAnswer = (e: LogEntry): e is AnswerEntry => "answer" in e

/** The answers that stand: every answer entry whose seq no undo names, in log order. */
export const standingAnswers = (entries: ReadonlyArray<LogEntry>): Array<AnswerEntry> => {
  const undone = new Set<number>()
  for (const e of entries) if (!isAnswer(e)) undone.add(e.undo)
  return entries.filter((e): e is AnswerEntry => isAnswer(e) && !undone.has(e.seq))
}

/**
 * The standing answer an annotator would undo next: their latest (anyone's latest when they give
 * no name), or none.
 */
export const lastUndoable = (entries: ReadonlyArray<LogEntry>, annotator?: string): AnswerEntry | undefined => {
  const standing = standingAnswers(entries)
  for (let i = standing.length - 1; i >= 0; i--) if (annotator === undefined || standing[i].annotator === annotator) return standing[i]
  return undefined
}

/** What the standing answers say about one item. */
export interface ItemAnswers {
  /** The label by the rule (majority, the latest among tied labels), or none. */
  readonly label: string | undefined
  /** Every standing answer about it, in log order. */
  readonly answers: ReadonlyArray<AnswerEntry>
  /** Whether the standing label answers disagree. */
  readonly conflict: boolean
}

/** The label of each item that has standing answers (the rule in this file's header). */
export const itemAnswers = (entries: ReadonlyArray<LogEntry>): Map<string, ItemAnswers> => {
  const byItem = new Map<string, Array<AnswerEntry>>()
  for (const e of standingAnswers(entries)) {
    const list = byItem.get(e.item)
    if (list === undefined) byItem.set(e.item, [e])
    else list.push(e)
  }
  const result = new Map<string, ItemAnswers>()
  for (const [item, answers] of byItem) {
    const votes = new Map<string, { count: number; last: number }>()
    for (const a of answers) {
      if (!("label" in a.answer)) continue
      const v = votes.get(a.answer.label)
      votes.set(a.answer.label, { count: (v?.count ?? 0) + 1, last: a.seq })
    }
    let label: string | undefined
    let best = { count: 0, last: 0 }
    for (const [l, v] of votes) {
      if (v.count > best.count || (v.count === best.count && v.last > best.last)) [label, best] = [l, v]
    }
    result.set(item, { label, answers, conflict: votes.size > 1 })
  }
  return result
}
