import { variationRatioScore } from "./mc-scores.js"
import { scoredStrategy } from "./scoring.js"
import { required } from "./strategy.js"

/**
 * Variation ratios (its paper, rule and direction: `doc`, below).
 */
export const variationRatios = scoredStrategy({
  name: "variation-ratios",
  aliases: ["VariationRatios"],
  rule: "highest variation ratio 1 − (passes voting for the modal class) / T first (tied top classes split a vote)",
  citation: "Freeman (1965), Elementary Applied Statistics; Gal, Islam & Ghahramani (2017), ICML",
  direction: "highest",
  needs: ["mcProbabilities"],
  score: (input) => variationRatioScore(required(input, "mcProbabilities", "variation-ratios"))
})
