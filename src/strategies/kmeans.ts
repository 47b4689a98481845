import { squaredDistancesToRow } from "./kernels/distances.js"
import { kmeans, type KMeansResult } from "./kernels/kmeans.js"
import { required, type Strategy } from "./strategy.js"

/**
 * k-means sampling (its paper, rule and direction: `doc`, below).
 * How: seeded k-means++ then Lloyd with k clusters over the candidates' embeddings; from each
 * cluster, the candidate nearest its centre.
 */
export const kmeansSampling: Strategy = {
  name: "kmeans",
  aliases: ["KMeansSampling"],
  doc: {
    rule: "k-means (k clusters) over embeddings; from each cluster the candidate nearest its centre",
    citation: "Zhdanov (2019), Diverse mini-batch Active Learning, arXiv:1901.05954; DeepAL's KMeansSampling",
    direction: "nearest to each cluster centre"
  },
  needs: ["embeddings"],
  select: (input) => {
    const e = required(input, "embeddings", "kmeans")
    const [n, d] = e.shape
    if (Math.min(input.k, n) <= 0) return new Int32Array(0)
    const x = e.dataSync() as Float32Array
    const picked = nearestToCentres(x, n, d, kmeans(x, n, d, input.k, input.rng))
    return picked.map((p) => input.candidates[p])
  }
}

/**
 * For each cluster, the member nearest its centre; a cluster left without members gets the
 * nearest row not already chosen. Positions into the rows, distinct.
 */
export const nearestToCentres = (x: Float32Array, n: number, d: number, result: KMeansResult): Int32Array => {
  const k = result.centres.length / d
  const best = new Int32Array(k).fill(-1)
  for (let i = 0; i < n; i++) {
    const a = result.assignment[i]
    if (best[a] < 0 || result.distance[i] < result.distance[best[a]]) best[a] = i
  }
  const taken = new Uint8Array(n)
  best.forEach((i) => i >= 0 && (taken[i] = 1))
  for (let a = 0; a < k; a++) {
    if (best[a] >= 0) continue
    const dist = squaredDistancesToRow(x, n, d, result.centres.subarray(a * d, (a + 1) * d))
    let pick = -1
    for (let i = 0; i < n; i++) if (taken[i] === 0 && (pick < 0 || dist[i] < dist[pick])) pick = i
    best[a] = pick
    taken[pick] = 1
  }
  return best
}
