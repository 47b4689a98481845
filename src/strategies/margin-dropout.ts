import { meanProbabilities } from "./mc-scores.js"
import { scoredStrategy } from "./scoring.js"
import { required } from "./strategy.js"
import { marginScore } from "./margin.js"

/**
 * Margin sampling with MC dropout (its paper, rule and direction: `doc`, below).
 */
export const marginDropout = scoredStrategy({
  name: "margin-dropout",
  aliases: ["MarginSamplingDropout"],
  rule: "smallest margin p₁ − p₂ of the MC-dropout mean first",
  citation: "Gal, Islam & Ghahramani (2017), Deep Bayesian Active Learning with Image Data, ICML",
  direction: "lowest",
  needs: ["mcProbabilities"],
  score: (input) => marginScore(meanProbabilities(required(input, "mcProbabilities", "margin-dropout")))
})
