import { entropyScore } from "./kernels/entropy.js"
import { scoringStrategy } from "./scoring.js"

/**
 * Entropy sampling (its paper, rule and direction: `doc`, below).
 */
export const entropy = scoringStrategy({
  name: "entropy",
  aliases: ["EntropySampling"],
  rule: "highest entropy −Σ p log p first",
  citation: "Settles (2009), Active Learning Literature Survey, UW-Madison TR 1648; after Shannon (1948)",
  direction: "highest",
  score: entropyScore
})
