import { bimAttack, type BimOptions } from "../models/adversarial.js"
import { type AdversarialOptions, attackSelection } from "./deepfool.js"
import type { Strategy } from "./strategy.js"

/**
 * Adversarial BIM (its paper, rule and direction: `doc`, below).
 * How: the squared norm of the BIM perturbation (signed-gradient steps of size ε) that flips the
 * predicted class.
 * Batched, with an iteration cap (DeepAL's loop has none and never ends on a model it cannot fool).
 */
export const bim = (options: BimOptions & AdversarialOptions = {}): Strategy => ({
  name: "bim",
  aliases: ["AdversarialBIM"],
  doc: {
    rule: "smallest squared BIM perturbation ‖η‖² (ε-steps along sign ∇ loss) that flips the prediction first",
    citation: "Ducoffe & Precup (2018), arXiv:1802.09841; Kurakin, Goodfellow & Bengio (2017), Adversarial examples in the physical world, ICLR workshop",
    direction: "lowest perturbation first (closest to the boundary)"
  },
  needs: ["model"],
  select: attackSelection("bim", options.batchSize, (access, x) => bimAttack(access.model, x, access.numClasses, options))
})
