import * as tf from "@tensorflow/tfjs-core"
import { tidyValue } from "../runtime/tidy-value.js"
import { herdingSelect } from "./kernels/herding.js"
import { tieBreakRanks } from "./kernels/tie-break.js"
import { required, type Strategy } from "./strategy.js"

/**
 * MaxHerding (its paper, rule and direction: `doc`, below).
 * How: greedy maximum of the generalised coverage Σ_x max over the chosen and labelled s of
 * exp(−‖x − s‖² / h²), over L2-normalised embeddings, h = 1 (the authors' default): the candidate
 * adding the most coverage first.
 * The authors hold an N × N kernel over the labelled and unlabelled points; `herdingSelect` takes
 * the same picks in O(N) memory (a lazy greedy).
 */
export const maxherding = (options: { readonly bandwidth?: number } = {}): Strategy => ({
  name: "maxherding",
  aliases: ["MaxHerding"],
  doc: {
    rule: "greedy generalised coverage (RBF kernel, h = 1, L2-normalised embeddings): the candidate adding the most coverage first",
    citation: "Bae, Kim, Iwasaki & Ha (2024), Generalized Coverage for More Robust Low-Budget Active Learning, ECCV",
    direction: "largest coverage gain first"
  },
  needs: ["embeddings", "labeledEmbeddings"],
  select: (input) => {
    const e = required(input, "embeddings", "maxherding")
    const l = required(input, "labeledEmbeddings", "maxherding")
    const N = e.shape[0] + l.shape[0]
    const want = Math.min(Math.max(0, input.k), e.shape[0])
    const picked = tidyValue(() => herdingSelect(tf.concat([l, e]) as tf.Tensor2D, l.shape[0], want, new Float64Array(N).fill(1), options.bandwidth ?? 1, tieBreakRanks(N, input.rng)))
    return picked.map((p) => input.candidates[p])
  }
})
