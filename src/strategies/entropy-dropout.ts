import { meanProbabilities } from "./mc-scores.js"
import { scoredStrategy } from "./scoring.js"
import { required } from "./strategy.js"
import { entropyScore } from "./kernels/entropy.js"

/**
 * Max entropy with MC dropout (its paper, rule and direction: `doc`, below).
 */
export const entropyDropout = scoredStrategy({
  name: "entropy-dropout",
  aliases: ["EntropySamplingDropout"],
  rule: "highest entropy of the MC-dropout mean H(mean_t p_t) first",
  citation: "Gal, Islam & Ghahramani (2017), Deep Bayesian Active Learning with Image Data, ICML",
  direction: "highest",
  needs: ["mcProbabilities"],
  score: (input) => entropyScore(meanProbabilities(required(input, "mcProbabilities", "entropy-dropout")))
})
