import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type AnswerEntry, itemAnswers, lastUndoable, type LogEntry, standingAnswers } from "../../src/run/answers.js"

let seq = 0
const answer = (item: string, a: AnswerEntry["answer"], annotator?: string): AnswerEntry => ({
  seq: ++seq,
  at: "2026-12-02T00:00:00.000Z",
  request: `r${seq}`,
  item,
  answer: a,
  ...(annotator === undefined ? {} : { annotator })
})
const undo = (target: number, annotator?: string): LogEntry => ({ seq: ++seq, at: "2026-12-02T00:00:00.000Z", request: `r${seq}`, undo: target, ...(annotator === undefined ? {} : { annotator }) })
const log = (make: () => Array<LogEntry>) => {
  seq = 0
  return make()
}

describe("answers: what stands after undos, and each item's label", () => {
  it("labels an item by the majority of its answers, a tie going to the latest of the tied labels", () => {
    const entries = log(() => [
      answer("a.png", { label: "cat" }, "ana"),
      answer("a.png", { label: "dog" }, "bo"),
      answer("b.png", { label: "dog" }, "ana"),
      answer("b.png", { label: "cat" }, "bo"),
      answer("b.png", { label: "dog" }, "cy")
    ])
    const items = itemAnswers(entries)
    // a.png: cat 1, dog 1, dog is the later; b.png: dog 2 against cat 1
    expect(items.get("a.png")).toMatchObject({ label: "dog", conflict: true })
    expect(items.get("a.png")!.answers.map((a) => a.annotator)).toEqual(["ana", "bo"])
    expect(items.get("b.png")).toMatchObject({ label: "dog", conflict: true })
  })

  it("an undo takes its answer back, and the item's label is what the rest say; a skip or not-sure is no label", () => {
    const entries = log(() => [answer("a.png", { label: "cat" }), answer("a.png", { label: "dog" }), undo(2), answer("c.png", { skip: true }), answer("d.png", { unsure: true })])
    expect(standingAnswers(entries).map((e) => e.seq)).toEqual([1, 4, 5])
    const items = itemAnswers(entries)
    expect(items.get("a.png")).toMatchObject({ label: "cat", conflict: false })
    expect(items.get("c.png")).toMatchObject({ label: undefined })
    expect(items.get("d.png")).toMatchObject({ label: undefined })
  })

  it("undo takes the annotator's own latest standing answer, or anyone's without a name", () => {
    const entries = log(() => [answer("a", { label: "x" }, "ana"), answer("b", { label: "x" }, "bo"), answer("c", { label: "x" }, "ana"), undo(3, "ana")])
    expect(lastUndoable(entries, "ana")?.item).toBe("a")
    expect(lastUndoable(entries, "bo")?.item).toBe("b")
    expect(lastUndoable(entries)?.item).toBe("b")
    expect(lastUndoable(entries, "cy")).toBeUndefined()
  })

  it("property: an item's label is one of its standing labels, with no other label answered more often", () => {
    const step = fc.oneof(
      fc.record({ item: fc.constantFrom("a", "b", "c"), label: fc.constantFrom("x", "y", "z", null) }),
      fc.record({ undo: fc.nat(30) })
    )
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const entries = log(() =>
          steps.map((s) => ("undo" in s ? undo((s.undo % Math.max(seq, 1)) + 1) : answer(s.item, s.label === null ? { skip: true } : { label: s.label })))
        )
        for (const [item, { label, answers }] of itemAnswers(entries)) {
          const counts = new Map<string, number>()
          for (const a of standingAnswers(entries)) if (a.item === item && "label" in a.answer) counts.set(a.answer.label, (counts.get(a.answer.label) ?? 0) + 1)
          if (counts.size === 0) expect(label).toBeUndefined()
          else expect(counts.get(label!)).toBe(Math.max(...counts.values()))
          expect(answers.every((a) => a.item === item)).toBe(true)
        }
      })
    )
  })
})
