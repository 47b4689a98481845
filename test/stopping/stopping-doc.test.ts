import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { stoppingListing } from "../../src/cli/stopping-command.js"
import { maxLabels, poolExhausted } from "../../src/stopping/budget.js"
import { parseStopping, stoppingCatalogue, stoppingNames } from "../../src/stopping/catalogue.js"
import { changingConfidence } from "../../src/stopping/changing-confidence.js"
import { classificationChange } from "../../src/stopping/classification-change.js"
import { after, allOf, anyOf } from "../../src/stopping/combinators.js"
import { firstStop, type StoppingCriterion } from "../../src/stopping/criterion.js"
import { stabilizingPredictions } from "../../src/stopping/stabilizing-predictions.js"
import { observation } from "./observations.js"

const parsed = (text: string): StoppingCriterion<any> => Either.getOrThrow(parseStopping(text))

describe("the stopping catalogue's docs", () => {
  it("gives every criterion a non-empty rule and citation, the ones its criteria carry", () => {
    for (const [name, entry] of Object.entries(stoppingCatalogue)) {
      expect(entry.doc.rule.trim(), name).not.toBe("")
      expect(entry.doc.citation.trim(), name).not.toBe("")
      expect(entry.rule).toBe(entry.doc.rule)
      const criterion = entry.make(entry.required ? 1 : undefined)
      expect(criterion.doc, name).toBe(entry.doc)
    }
  })

  it("gives combinators and the pool budget a doc too", () => {
    const members: ReadonlyArray<StoppingCriterion<any>> = [stabilizingPredictions(), maxLabels(100)]
    for (const c of [anyOf(members), allOf(members), after(50, members[0]), poolExhausted]) {
      expect(c.doc?.rule.trim()).not.toBe("")
      expect(c.doc?.citation.trim()).not.toBe("")
    }
    expect(after(50, members[0]).doc?.citation).toBe(members[0].doc?.citation)
  })
})

describe("a criterion's name carries its non-default parameters", () => {
  it("stabilizing-predictions=0.98, and the bare name at the defaults", () => {
    expect(stabilizingPredictions({ threshold: 0.98 }).name).toBe("stabilizing-predictions=0.98")
    expect(stabilizingPredictions().name).toBe("stabilizing-predictions")
    expect(stabilizingPredictions({ threshold: 0.99 }).name).toBe("stabilizing-predictions")
    expect(parsed("stabilizing-predictions=0.98").name).toBe("stabilizing-predictions=0.98")
  })

  it("names the other parameters as ;key=value", () => {
    expect(stabilizingPredictions({ window: 5 }).name).toBe("stabilizing-predictions;window=5")
    expect(stabilizingPredictions({ threshold: 0.9, window: 5 }).name).toBe("stabilizing-predictions=0.9;window=5")
    expect(changingConfidence({ mode: "N" }).name).toBe("changing-confidence;mode=N")
  })

  it("for every method: `name` alone is the name, `name=value` names the value", () => {
    for (const [name, entry] of Object.entries(stoppingCatalogue)) {
      if (entry.required) continue
      expect(parsed(name).name).toBe(name)
      const other = entry.default === 0.5 ? 0.25 : 0.5
      expect(parsed(`${name}=${other}`).name).toBe(`${name}=${other}`)
    }
  })

  it("keeps a budget's name whatever its value, as recorded runs read it", () => {
    expect(parsed("max-labels=1000").name).toBe("max-labels")
    expect(parsed("target-accuracy=0.95").name).toBe("target-accuracy")
  })

  it("is what a method's decision carries", () => {
    const same = Array.from({ length: 4 }, (_, r) => observation(r, { predictions: [0, 1] }))
    expect(firstStop(classificationChange({ threshold: 0.5 }), same)?.decision.criterion).toBe("classification-change=0.5")
    expect(firstStop(classificationChange(), same)?.decision.criterion).toBe("classification-change")
  })
})

describe("deal stopping", () => {
  it("lists every criterion with its parameter, rule and citation", () => {
    const text = stoppingListing()
    for (const name of stoppingNames) {
      const entry = stoppingCatalogue[name]
      expect(text).toContain(`${name}${entry.required ? "=" : "[="}<${entry.parameter}>`)
      expect(text).toContain(entry.doc.rule)
      expect(text).toContain(entry.doc.citation)
    }
    expect(text).toContain("stabilizing-predictions[=<threshold>]  (default 0.99)")
    expect(text).toContain("max-labels=<labels>  (required)")
  })
})
