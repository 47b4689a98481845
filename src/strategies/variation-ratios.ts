import { variationRatioScore } from "./mc-scores.js"
import { scoredStrategy } from "./scoring.js"
import { required } from "./strategy.js"

/**
 * Variation ratios — Freeman (1965), "Elementary Applied Statistics"; with MC dropout, Gal, Islam
 * & Ghahramani (2017), ICML.
 * Rule: the fraction of the T MC-dropout passes whose predicted class is not the modal one, 1 − f_mode / T.
 * Direction: highest variation ratio first.
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
