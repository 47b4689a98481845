import { meanStdScore } from "./mc-scores.js"
import { scoredStrategy } from "./scoring.js"
import { required } from "./strategy.js"

/**
 * Mean standard deviation (its paper, rule and direction: `doc`, below).
 */
export const meanStd = scoredStrategy({
  name: "mean-std",
  aliases: ["MeanSTD"],
  rule: "highest mean over classes of the std over MC-dropout passes first",
  citation: "Kampffmeyer, Salberg & Jenssen (2016), Semantic segmentation of small objects and modeling of uncertainty in urban remote sensing images using deep convolutional neural networks, CVPR Workshops; compared in Gal, Islam & Ghahramani (2017), ICML",
  direction: "highest",
  needs: ["mcProbabilities"],
  score: (input) => meanStdScore(required(input, "mcProbabilities", "mean-std"))
})
