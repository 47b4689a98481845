import * as tf from "@tensorflow/tfjs-core"
import { tidyValue } from "../runtime/tidy-value.js"
import { tieBreakRanks } from "./kernels/tie-break.js"
import { type ScoredStrategy, type Strategy, isScored, required, unionNeeds } from "./strategy.js"

/**
 * Class-balanced queries (its paper, rule and direction: `doc`, below).
 * How: the base strategy's order (its score for a scored one; otherwise its selection of C·k
 * candidates, in the order it chose them), taken class by predicted class so that each class gets
 * ⌊k/C⌋ (the remainder to seeded classes); a class with too few candidates leaves its share to the
 * base order.
 * Where it differs from small-text's ClassBalancer (read in its source, `_get_rebalancing_distribution`):
 * small-text also counts the labelled set. It gives the k queries, one at a time, to the class
 * whose share falls furthest short of max(labelled counts) − its labelled count, so that the
 * labelled set moves toward balance; deal splits k evenly whatever is labelled. The two agree when
 * the labelled classes are even (nothing labelled, for instance); with 5 labels of class 0, none of
 * class 1 and k = 4, small-text aims for [0, 4] and deal takes [2, 2].
 */
export const balanced = (base: Strategy): Strategy => ({
  name: `balanced(${base.name})`,
  aliases: [],
  doc: {
    rule: `${base.name}'s order, taken in equal shares of the predicted classes`,
    citation: "small-text's ClassBalancer: Schröder, Niekler & Potthast (2023), small-text: Active Learning for Text Classification in Python, EACL",
    direction: `${base.doc.direction ?? "the base strategy's"}, within each predicted class`
  },
  needs: unionNeeds(base.needs, ["probabilities"]),
  select: (input) => {
    const p = required(input, "probabilities", `balanced(${base.name})`)
    const [n, C] = p.shape
    const want = Math.min(Math.max(0, input.k), n)
    const predicted = tidyValue(() => tf.argMax(p, 1).dataSync() as Int32Array)
    const order = baseOrder(base, input, n, C * want)
    const quota = new Int32Array(C).fill(Math.floor(want / C))
    for (const c of input.rng.sample(Int32Array.from({ length: C }, (_, c) => c), want % C)) quota[c]++
    const out: Array<number> = []
    const taken = new Uint8Array(n)
    for (const i of order) {
      if (out.length === want) break
      if (quota[predicted[i]] > 0) {
        quota[predicted[i]]--
        taken[i] = 1
        out.push(i)
      }
    }
    for (const i of order) {
      if (out.length === want) break
      if (taken[i] === 0) {
        taken[i] = 1
        out.push(i)
      }
    }
    return Int32Array.from(out, (i) => input.candidates[i])
  }
})

/**
 * Candidate positions in the order `base` would query them: every candidate by score for a scored
 * strategy, else its selection of `count` (positions found by value in the sorted candidates).
 */
const baseOrder = (base: Strategy, input: Parameters<Strategy["select"]>[0], n: number, count: number): Int32Array => {
  if (isScored(base)) {
    const s = (base as ScoredStrategy).score(input)
    const key = (i: number) => (Number.isNaN(s[i]) ? Number.NEGATIVE_INFINITY : base.direction === "highest" ? s[i] : -s[i])
    const tie = tieBreakRanks(n, input.rng)
    return Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => key(b) - key(a) || tie[a] - tie[b])
  }
  const position = new Map(Array.from(input.candidates, (c, i) => [c, i]))
  return Int32Array.from(base.select({ ...input, k: Math.min(n, count) }), (c) => position.get(c)!)
}
