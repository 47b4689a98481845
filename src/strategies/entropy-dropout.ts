import { meanProbabilities } from "./mc-scores.js"
import { scoredStrategy } from "./scoring.js"
import { required } from "./strategy.js"
import { entropyScore } from "./kernels/entropy.js"

/**
 * Max entropy with MC dropout — Gal, Islam & Ghahramani (2017), "Deep Bayesian Active Learning
 * with Image Data", ICML; DeepAL's `EntropySamplingDropout`.
 * Rule: the entropy of the mean of T MC-dropout passes, H(mean_t p_t).
 * Direction: highest entropy first.
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
