import type { RandomStream } from "../runtime/random.js"
import { defaultDistanceBudget, minSquaredDistances, squaredDistancesToRow } from "./kernels/distances.js"
import { tieBreakRanks } from "./kernels/tie-break.js"
import { required, type Strategy } from "./strategy.js"

/**
 * Core-set — Sener & Savarese (2018), "Active Learning for Convolutional Neural Networks: A
 * Core-Set Approach", ICLR; DeepAL's `KCenterGreedy`.
 * Rule: k-center greedy over penultimate embeddings, with the labelled set as the initial centres.
 * Direction: the candidate farthest from its nearest centre (labelled or already chosen) first.
 */
export const coreset: Strategy = {
  name: "coreset",
  aliases: ["KCenterGreedy", "CoreSet"],
  doc: {
    rule: "k-center greedy: the candidate farthest from its nearest labelled or chosen point first",
    citation: "Sener & Savarese (2018), Active Learning for Convolutional Neural Networks: A Core-Set Approach, ICLR",
    direction: "farthest from the centres first"
  },
  needs: ["embeddings", "labeledEmbeddings"],
  select: (input) => {
    const e = required(input, "embeddings", "coreset")
    const l = required(input, "labeledEmbeddings", "coreset")
    const [n, d] = e.shape
    const picked = kCenterGreedy(e.dataSync() as Float32Array, n, d, l.dataSync() as Float32Array, l.shape[0], input.k, input.rng)
    return picked.map((p) => input.candidates[p])
  }
}

export interface KCenterOptions {
  /** Cap on the floats of one temporary distance block (the labelled-set initialisation). */
  readonly budget?: number
}

/**
 * k-center greedy over rows of `x` [n × d] with `centres` [m × d] as the initial centres:
 * repeatedly the row farthest from its nearest centre becomes a centre. Keeps one running
 * minimum distance per row, updated from each new centre in one O(n·d) pass: O(n·d) memory,
 * no n × n matrix. Ties are broken by seeded ranks. Returns positions into `x`.
 */
export const kCenterGreedy = (
  x: Float32Array,
  n: number,
  d: number,
  centres: Float32Array,
  m: number,
  k: number,
  rng: RandomStream,
  options: KCenterOptions = {}
): Int32Array => {
  const want = Math.min(Math.max(0, k), n)
  const out = new Int32Array(want)
  if (want === 0) return out
  const minDist = minSquaredDistances(x, n, d, centres, m, options.budget ?? defaultDistanceBudget)
  const rank = tieBreakRanks(n, rng)
  const taken = new Uint8Array(n)
  const scratch = new Float64Array(n)
  /** The farthest untaken row (ties: the lower rank). */
  const farthest = () => {
    let best = -1
    for (let i = 0; i < n; i++) {
      if (taken[i] !== 0) continue
      if (best < 0 || minDist[i] > minDist[best] || (minDist[i] === minDist[best] && rank[i] < rank[best])) best = i
    }
    return best
  }
  for (let s = 0; s < want; s++) {
    const c = farthest()
    out[s] = c
    taken[c] = 1
    if (s === want - 1) break
    // every running minimum, from the new centre
    squaredDistancesToRow(x, n, d, x.subarray(c * d, (c + 1) * d), scratch)
    for (let i = 0; i < n; i++) if (scratch[i] < minDist[i]) minDist[i] = scratch[i]
  }
  return out
}
