import { badge } from "./badge.js"
import { bald } from "./bald.js"
import { batchbald } from "./batchbald.js"
import { clusterMargin } from "./cluster-margin.js"
import { weightedCombination } from "./combination.js"
import { coreset } from "./coreset.js"
import { deepfool } from "./deepfool.js"
import { bim } from "./bim.js"
import { entropy } from "./entropy.js"
import { entropyDropout } from "./entropy-dropout.js"
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
  power,
  softmax,
  softrank,
  coreset,
  kmeansSampling,
  badge,
  typiclust(),
  probcover(),
  maxherding(),
  uherding(),
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
 * scored strategies is written `entropy*0.7+bald*0.3` (a missing weight is 1).
 */
export const findStrategy = (name: string, catalogue: ReadonlyArray<Strategy> = strategyCatalogue): Strategy | undefined => {
  const named = findNamed(name, catalogue)
  if (named !== undefined || !/[+*]/.test(name)) return named
  const parts = name.split("+").map((term) => {
    const [n, w, ...rest] = term.trim().split("*")
    const strategy = findNamed(n.trim(), catalogue)
    const weight = w === undefined ? 1 : Number(w)
    return rest.length === 0 && strategy !== undefined && isScored(strategy) && Number.isFinite(weight) ? { strategy, weight } : undefined
  })
  return parts.every((p) => p !== undefined) ? weightedCombination(parts as Array<NonNullable<(typeof parts)[number]>>, { name }) : undefined
}
