import * as tf from "@tensorflow/tfjs-core"
import type { RandomStream } from "../runtime/random.js"
import { tidyValue } from "../runtime/tidy-value.js"
import { centringOffset, pairwiseSquaredDistances, squaredDistancesToRow } from "./kernels/distances.js"
import { kmeans } from "./kernels/kmeans.js"
import { tieBreakRanks } from "./kernels/tie-break.js"
import { required, type Strategy } from "./strategy.js"

/**
 * TypiClust — Hacohen, Dekel & Weinshall (2022), "Active Learning on a Budget: Opposite
 * Strategies Suit High and Low Budgets", ICML; for the low-budget / cold-start regime.
 * Rule: cluster the embeddings of the labelled and unlabelled examples into |L| + k clusters and
 * query, from the least covered (then largest) clusters, the most typical example, typicality =
 * inverse mean distance to its 20 nearest neighbours.
 * Direction: the most typical (densest) candidate of the least covered cluster first.
 * (The paper clusters self-supervised features: give deal a backbone and --embedding_space backbone
 * for that; by default it clusters the model's penultimate embeddings.)
 */
export const typiclust = (options: TypiclustOptions = {}): Strategy => ({
  name: "typiclust",
  aliases: ["TypiClust"],
  doc: {
    rule: "k-means into |L| + k clusters; from the least covered, largest clusters the most typical candidate first",
    citation: "Hacohen, Dekel & Weinshall (2022), Active Learning on a Budget: Opposite Strategies Suit High and Low Budgets, ICML",
    direction: "most typical (densest) in the least covered cluster first"
  },
  needs: ["embeddings", "labeledEmbeddings"],
  select: (input) => {
    const e = required(input, "embeddings", "typiclust")
    const l = required(input, "labeledEmbeddings", "typiclust")
    const [n, d] = e.shape
    const L = l.shape[0]
    const x = new Float32Array((L + n) * d)
    x.set(l.dataSync() as Float32Array)
    x.set(e.dataSync() as Float32Array, L * d)
    return typiclustSelect(x, L + n, d, L, input.k, input.rng, options).map((p) => input.candidates[p])
  }
})

export interface TypiclustOptions {
  /** Clusters at most (default 500, as in the authors' code); the count is min(|L| + k, this). */
  readonly maxClusters?: number
  /** Clusters smaller than this are skipped while larger ones have candidates left (default 5). */
  readonly minClusterSize?: number
  /** Neighbours in the typicality estimate (default 20). */
  readonly neighbours?: number
  /** Reference points per cluster for the neighbour search at most (a seeded sample; default 2000). */
  readonly maxReference?: number
  /** From this many multiply-adds per distance column (N·d) on, distances come from products on the backend (default 2^20). */
  readonly productsFrom?: number
}

/** ‖x_a − x_b‖² for each row a of `rows` and b of `reference` [rows × reference], as exact float64 differences. */
const squaredDistanceRows = (x: Float32Array, d: number, rows: ReadonlyArray<number>, reference: ReadonlyArray<number>): Float64Array => {
  const referenceRows = new Float32Array(reference.length * d)
  reference.forEach((row, r) => referenceRows.set(x.subarray(row * d, (row + 1) * d), r * d))
  const out = new Float64Array(rows.length * reference.length)
  rows.forEach((i, a) => squaredDistancesToRow(referenceRows, reference.length, d, x.subarray(i * d, (i + 1) * d), out.subarray(a * reference.length, (a + 1) * reference.length)))
  return out
}

/** The same as one product of the rows centred at the reference rows' offset (`pairwiseSquaredDistances`). */
const squaredDistanceProducts = (x: Float32Array, d: number, rows: ReadonlyArray<number>, reference: ReadonlyArray<number>): Float32Array => {
  const gather = (list: ReadonlyArray<number>) => {
    const out = new Float32Array(list.length * d)
    list.forEach((row, r) => out.set(x.subarray(row * d, (row + 1) * d), r * d))
    return out
  }
  const refs = gather(reference)
  const offset = centringOffset(refs, reference.length, d)
  return tidyValue(() => {
    const a = tf.sub(tf.tensor2d(gather(rows), [rows.length, d]), offset)
    const b = tf.sub(tf.tensor2d(refs, [reference.length, d]), offset)
    return pairwiseSquaredDistances(a, b).dataSync() as Float32Array
  })
}

/**
 * TypiClust selection over rows of `x` [N × d] whose first `labeled` rows are labelled: k-means
 * into min(labeled + k, maxClusters) clusters, then k times: the cluster with the fewest labelled
 * or chosen points (ties: the largest, then seeded ranks), and in it the most typical free
 * candidate, typicality = 1 / mean distance to its K nearest neighbours in the cluster. Returns
 * candidate positions (row − labeled).
 */
export const typiclustSelect = (x: Float32Array, N: number, d: number, labeled: number, k: number, rng: RandomStream, options: TypiclustOptions = {}): Int32Array => {
  const n = N - labeled
  const want = Math.min(Math.max(0, k), n)
  const out = new Int32Array(want)
  if (want === 0) return out
  const clusters = Math.max(1, Math.min(labeled + want, options.maxClusters ?? 500, N))
  const minSize = options.minClusterSize ?? 5
  const K = options.neighbours ?? 20
  const maxReference = options.maxReference ?? 2000
  const { assignment } = kmeans(x, N, d, clusters, rng)
  const members: Array<Array<number>> = Array.from({ length: clusters }, () => [])
  for (let i = 0; i < N; i++) members[assignment[i]].push(i)
  const covered = new Int32Array(clusters)
  for (let i = 0; i < labeled; i++) covered[assignment[i]]++
  const taken = new Uint8Array(N)
  const free = members.map((m) => m.filter((i) => i >= labeled).length)
  const tieRank = tieBreakRanks(clusters, rng)
  for (let s = 0; s < want; s++) {
    const eligible = (a: number) => free[a] > 0 && members[a].length >= minSize
    const anyEligible = members.some((_, a) => eligible(a))
    let best = -1
    for (let a = 0; a < clusters; a++) {
      if (!(anyEligible ? eligible(a) : free[a] > 0)) continue
      if (
        best < 0 ||
        covered[a] < covered[best] ||
        (covered[a] === covered[best] && (members[a].length > members[best].length || (members[a].length === members[best].length && tieRank[a] < tieRank[best])))
      )
        best = a
    }
    const cluster = members[best]
    const reference = cluster.length > maxReference ? Array.from(rng.sample(Int32Array.from(cluster), maxReference)) : cluster
    const kk = Math.min(K, reference.length - 1)
    const candidates = cluster.filter((i) => i >= labeled && taken[i] === 0)
    // squared distances of every candidate to every reference row: exact differences for small
    // clusters, one product of the centred rows on the backend for large ones
    const sq = (N * d >= (options.productsFrom ?? 1 << 20) ? squaredDistanceProducts : squaredDistanceRows)(x, d, candidates, reference)
    let pick = -1
    let pickTypicality = -1
    const dists = new Float64Array(reference.length)
    candidates.forEach((i, c) => {
      let typicality = Number.POSITIVE_INFINITY
      if (kk > 0) {
        for (let r = 0; r < reference.length; r++) dists[r] = reference[r] === i ? Number.POSITIVE_INFINITY : Math.sqrt(sq[c * reference.length + r])
        const nearest = dists.slice().sort().subarray(0, kk)
        let mean = 0
        for (const v of nearest) mean += v
        mean /= kk
        typicality = mean > 0 ? 1 / mean : Number.POSITIVE_INFINITY
      }
      if (pick < 0 || typicality > pickTypicality) {
        pick = i
        pickTypicality = typicality
      }
    })
    out[s] = pick - labeled
    taken[pick] = 1
    covered[best]++
    free[best]--
  }
  return out
}
