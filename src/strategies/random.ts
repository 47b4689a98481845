import type { Strategy } from "./strategy.js"

/** Random sampling: k candidates uniformly at random, the baseline every AL paper reports. */
export const random: Strategy = {
  name: "random",
  aliases: ["RandomSampling"],
  doc: { rule: "k unlabelled examples uniformly at random", citation: "the passive-learning baseline", direction: "no order: uniform" },
  needs: [],
  select: ({ candidates, k, rng }) => rng.sample(candidates, k)
}
