import type { Strategy } from "./strategy.js"

/**
 * Random sampling — the passive-learning baseline every active-learning paper reports.
 * Rule: k candidates uniformly at random.
 * Direction: none (no order).
 */
export const random: Strategy = {
  name: "random",
  aliases: ["RandomSampling"],
  doc: { rule: "k unlabelled examples uniformly at random", citation: "the passive-learning baseline", direction: "no order: uniform" },
  needs: [],
  select: ({ candidates, k, rng }) => rng.sample(candidates, k)
}
