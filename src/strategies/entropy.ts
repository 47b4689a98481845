import { entropyScore } from "./kernels/entropy.js"
import { scoringStrategy } from "./scoring.js"

/**
 * Entropy sampling — Settles (2009), "Active Learning Literature Survey", UW-Madison TR 1648;
 * after Shannon (1948).
 * Rule: the predictive entropy −Σ_c p_c log p_c of each candidate.
 * Direction: highest entropy first.
 */
export const entropy = scoringStrategy({
  name: "entropy",
  aliases: ["EntropySampling"],
  rule: "highest entropy −Σ p log p first",
  citation: "Settles (2009), Active Learning Literature Survey, UW-Madison TR 1648",
  direction: "highest",
  score: entropyScore
})
