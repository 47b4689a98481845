import { badge } from "./badge.js"
import { bait } from "./bait.js"
import { balanced } from "./balanced.js"
import { bald } from "./bald.js"
import { batchbald } from "./batchbald.js"
import { clusterMargin } from "./cluster-margin.js"
import { weightedCombination } from "./combination.js"
import { coreset } from "./coreset.js"
import { deepfool } from "./deepfool.js"
import { dropquery } from "./dropquery.js"
import { bim } from "./bim.js"
import { entropy } from "./entropy.js"
import { entropyDropout } from "./entropy-dropout.js"
import { epig } from "./epig.js"
import { kmeansSampling } from "./kmeans.js"
import { leastConfidence } from "./least-confidence.js"
import { leastConfidenceDropout } from "./least-confidence-dropout.js"
import { margin } from "./margin.js"
import { maxherding } from "./maxherding.js"
import { marginDropout } from "./margin-dropout.js"
import { meanStd } from "./mean-std.js"
import { power } from "./power.js"
import { probcover } from "./probcover.js"
import { random } from "./random.js"
import { softmax } from "./softmax.js"
import { softrank } from "./softrank.js"
import { subsample } from "./subsample.js"
import { isScored, type Strategy } from "./strategy.js"
import { typiclust } from "./typiclust.js"
import { uherding } from "./uherding.js"
import { variationRatios } from "./variation-ratios.js"

/** Every built-in strategy. */
export const strategyCatalogue: ReadonlyArray<Strategy> = [
  random,
  leastConfidence,
  margin,
  entropy,
  leastConfidenceDropout,
  marginDropout,
  entropyDropout,
  variationRatios,
  meanStd,
  bald,
  batchbald(),
  epig(),
  power,
  softmax,
  softrank,
  coreset,
  kmeansSampling,
  badge,
  bait(),
  typiclust(),
  probcover(),
  maxherding(),
  uherding(),
  dropquery(),
  clusterMargin(),
  deepfool(),
  bim()
]

/** All names and aliases the catalogue accepts. */
export const strategyNames = (catalogue: ReadonlyArray<Strategy> = strategyCatalogue): ReadonlyArray<string> =>
  catalogue.flatMap((s) => [s.name, ...s.aliases])

const findNamed = (name: string, catalogue: ReadonlyArray<Strategy>): Strategy | undefined =>
  catalogue.find((s) => s.name === name || s.aliases.includes(name)) ??
  catalogue.find((s) => [s.name, ...s.aliases].some((n) => n.toLowerCase() === name.toLowerCase()))

/**
 * The strategy with this name or alias (exact, then case-insensitive). A weighted combination of
 * scored strategies is written `entropy*0.7+bald*0.3` (a missing weight is 1); the wrappers
 * `balanced(S)` (class-balanced queries) and `subsample(S,m)` (S on m random candidates) take
 * any strategy written this way.
 *
 * @example
 * ```ts
 * import assert from "node:assert"
 * import { Strategies } from "deal-active-learning"
 *
 * // A strategy by name, alias (DalMax's class names), wrapper or weighted combination, as --strategy_name takes them.
 * assert.strictEqual(Strategies.findStrategy("EntropySampling")?.name, "entropy")
 * assert.strictEqual(Strategies.findStrategy("balanced(subsample(margin, 100))")?.name, "balanced(subsample(margin,100))")
 * assert.deepStrictEqual(Strategies.findStrategy("entropy*0.7+bald*0.3")?.needs, ["probabilities", "mcProbabilities"])
 * assert.strictEqual(Strategies.findStrategy("entropi"), undefined)
 * ```
 */
export const findStrategy = (name: string, catalogue: ReadonlyArray<Strategy> = strategyCatalogue): Strategy | undefined => {
  const named = findNamed(name, catalogue)
  if (named !== undefined) return named
  const wrapper = /^\s*(balanced|subsample)\((.+)\)\s*$/i.exec(name)
  if (wrapper !== null) {
    if (wrapper[1].toLowerCase() === "balanced") {
      const inner = findStrategy(wrapper[2], catalogue)
      return inner && balanced(inner)
    }
    const split = /^(.+),\s*(\d+)\s*$/.exec(wrapper[2])
    const inner = split === null ? undefined : findStrategy(split[1], catalogue)
    return inner && Number(split![2]) > 0 ? subsample(inner, Number(split![2])) : undefined
  }
  if (!/[+*]/.test(name)) return named
  const parts = name.split("+").map((term) => {
    const [n, w, ...rest] = term.trim().split("*")
    const strategy = findNamed(n.trim(), catalogue)
    const weight = w === undefined ? 1 : Number(w)
    return rest.length === 0 && strategy !== undefined && isScored(strategy) && Number.isFinite(weight) ? { strategy, weight } : undefined
  })
  return parts.every((p) => p !== undefined) ? weightedCombination(parts as Array<NonNullable<(typeof parts)[number]>>, { name }) : undefined
}
