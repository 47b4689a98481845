import { meanProbabilities } from "./mc-scores.js"
import { scoredStrategy } from "./scoring.js"
import { required } from "./strategy.js"
import { maxProbability } from "./least-confidence.js"

/**
 * Least confidence with MC dropout (its paper, rule and direction: `doc`, below).
 */
export const leastConfidenceDropout = scoredStrategy({
  name: "least-confidence-dropout",
  aliases: ["LeastConfidenceDropout"],
  rule: "lowest max-probability of the MC-dropout mean, max_c mean_t p_tc, first",
  citation: "Gal, Islam & Ghahramani (2017), Deep Bayesian Active Learning with Image Data, ICML",
  direction: "lowest",
  needs: ["mcProbabilities"],
  score: (input) => maxProbability(meanProbabilities(required(input, "mcProbabilities", "least-confidence-dropout")))
})
