import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { main } from "../../examples/custom-stopping.js"

describe("examples/custom-stopping.ts", () => {
  it.effect("stops the run at the first round whose queried batch, and the one before, were predicted at least 80% right; the analysis afterwards agrees", () =>
    Effect.gen(function* () {
      const { summary, afterwards, observations } = yield* main(0.8)
      expect(summary.stop.criterion).toBe("steady-batch-accuracy")
      const accuracy = observations.map((o) =>
        o.queried === undefined ? 0 : o.queried.predicted.reduce((n, p, i) => n + (p === o.queried!.labels[i] ? 1 : 0), 0) / o.queried.predicted.length
      )
      const first = accuracy.findIndex((a, r) => r > 0 && a >= 0.8 && accuracy[r - 1] >= 0.8)
      expect(summary.stop.round).toBe(first)
      expect(afterwards).toMatchObject({ criterion: "steady-batch-accuracy", fired: true, round: first })
    })
  )
})
