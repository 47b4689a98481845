import { baldScore } from "./mc-scores.js"
import { scoredStrategy } from "./scoring.js"
import { required } from "./strategy.js"

/**
 * BALD, Bayesian active learning by disagreement (its paper, rule and direction: `doc`, below).
 * How: the mutual information between a candidate's label and the model weights, I = H(mean_t p_t)
 * − mean_t H(p_t), over T MC-dropout passes.
 */
export const bald = scoredStrategy({
  name: "bald",
  aliases: ["BALDDropout", "BALD"],
  rule: "highest mutual information H(mean_t p_t) − mean_t H(p_t) first",
  citation: "Houlsby, Huszár, Ghahramani & Lengyel (2011), arXiv:1112.5745; Gal, Islam & Ghahramani (2017), ICML",
  direction: "highest",
  needs: ["mcProbabilities"],
  score: (input) => baldScore(required(input, "mcProbabilities", "bald"))
})
