import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Data, Runtime } from "deal-active-learning"
import { main } from "../../examples/label-in-terminal.js"

describe("examples/label-in-terminal.ts", () => {
  it.effect("asks a person about each queried message (here one who answers from the data, once wrongly typed), and learns from the answers", () =>
    Effect.gen(function* () {
      const spam = yield* Data.loadDataset("spam", { seed: 1 })
      const train = Data.subsample(spam.train, 1000, Runtime.RandomStream.make(1, "train"))
      const truth = new Map(train.texts!.map((t, i) => [t.slice(0, 300).replace(/\s+/g, " "), train.classNames[train.y[i]]]))
      const questions: Array<string> = []
      const person = async (question: string) => {
        questions.push(question)
        if (questions.length === 3) return "x" // not a class: asked again
        const text = question.split("\n")[1]
        return truth.get(text)!
      }
      const summary = yield* main(person)
      expect(summary.rounds.map((r) => r.labeled)).toEqual([10, 15, 20])
      expect(questions).toHaveLength(21)
      expect(questions[0]).toMatch(/\nham or spam\? \[h\/s\] $/)
      expect(summary.rounds[2].accuracy).toBeGreaterThan(0.6)
    })
  )
})
