import type { Strategy } from "./strategy.js"

/**
 * Random sampling, the passive-learning baseline (its rule and direction: `doc`, below).
 */
export const random: Strategy = {
  name: "random",
  aliases: ["RandomSampling"],
  doc: { rule: "k unlabelled examples uniformly at random", citation: "the passive-learning baseline", direction: "no order: uniform" },
  needs: [],
  select: ({ candidates, k, rng }) => rng.sample(candidates, k)
}
