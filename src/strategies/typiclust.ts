import * as tf from "@tensorflow/tfjs-core"
import type { RandomStream } from "../runtime/random.js"
import { tidyValue } from "../runtime/tidy-value.js"
import { gatherRows, pairwiseSquaredDistances, squaredDistancesToRow } from "./kernels/distances.js"
import { kmeans, kmeansOnBackend, type KMeansResult } from "./kernels/kmeans.js"
import { miniBatchKMeans } from "./kernels/mini-batch-kmeans.js"
import { tieBreakRanks } from "./kernels/tie-break.js"
import { required, type Strategy } from "./strategy.js"

/**
 * TypiClust (its paper, rule and direction: `doc`, below).
 * How: cluster the embeddings of the labelled and unlabelled examples into |L| + k clusters and
 * query, from the least covered (then largest) clusters, the most typical example, typicality =
 * inverse mean distance to its 20 nearest neighbours.
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
    const picked =
      (L + n) * d >= (options.productsFrom ?? productsFromDefault)
        ? tidyValue(() => typiclustOnBackend(tf.concat([l, e]) as tf.Tensor2D, L, input.k, input.rng, options))
        : typiclustSelect(concatRows(l.dataSync() as Float32Array, e.dataSync() as Float32Array), L + n, d, L, input.k, input.rng, options)
    return picked.map((p) => input.candidates[p])
  }
})

const concatRows = (a: Float32Array, b: Float32Array): Float32Array => {
  const out = new Float32Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/** From this many multiply-adds per distance column (N·d) on, TypiClust works on the backend. */
const productsFromDefault = 1 << 20

/** Above this many clusters, mini-batch k-means (batch 5,000), as TypiClust's authors cluster. */
const lloydClustersAtMost = 50

export interface TypiclustOptions {
  /** Clusters at most (default 500, as in the authors' code); the count is min(|L| + k, this). */
  readonly maxClusters?: number
  /** Clusters smaller than this are skipped while larger ones have candidates left (default 5). */
  readonly minClusterSize?: number
  /** Neighbours in the typicality estimate (default 20). */
  readonly neighbours?: number
  /** Reference points per cluster for the neighbour search at most (a seeded sample; default 2000). */
  readonly maxReference?: number
  /** From this many multiply-adds per distance column (N·d) on, clustering and distances are products on the backend (default 2^20). */
  readonly productsFrom?: number
}

/**
 * The most typical of `candidates` (its position in them): the one whose mean distance to its
 * `neighbours` nearest `reference` rows (itself left out) is least, the first on ties. Here from
 * exact float64 differences over the rows of `x` [· × d].
 */
const mostTypicalByDifferences = (x: Float32Array, d: number) => (candidates: ReadonlyArray<number>, reference: ReadonlyArray<number>, neighbours: number): number => {
  if (neighbours <= 0) return 0
  const referenceRows = gatherRows(x, d, reference)
  const sq = new Float64Array(reference.length)
  let pick = 0
  let pickMean = Number.POSITIVE_INFINITY
  candidates.forEach((i, c) => {
    squaredDistancesToRow(referenceRows, reference.length, d, x.subarray(i * d, (i + 1) * d), sq)
    for (let r = 0; r < reference.length; r++) sq[r] = reference[r] === i ? Number.POSITIVE_INFINITY : Math.sqrt(sq[r])
    const mean = meanOfSmallest(sq, neighbours)
    if (mean < pickMean) {
      pick = c
      pickMean = mean
    }
  })
  return pick
}

/**
 * `mostTypicalByDifferences` on rows of `pool` held by the backend: distances as one product of
 * the rows centred at the reference rows' mean (`pairwiseSquaredDistances`), the nearest by
 * `topk`, and only the winner's position read back.
 */
const mostTypicalByProducts = (pool: tf.Tensor2D) => (candidates: ReadonlyArray<number>, reference: ReadonlyArray<number>, neighbours: number): number => {
  if (neighbours <= 0) return 0
  const position = new Map(reference.map((row, r) => [row, r]))
  const self = Int32Array.from(candidates, (i) => position.get(i) ?? -1)
  return tidyValue(() => {
    const refs = tf.gather(pool, tf.tensor1d(Int32Array.from(reference), "int32"))
    const offset = tf.mean(refs, 0)
    const rows = tf.sub(tf.gather(pool, tf.tensor1d(Int32Array.from(candidates), "int32")), offset)
    const distances = tf.sqrt(pairwiseSquaredDistances(rows, tf.sub(refs, offset)))
    // each candidate's own row, where the reference holds it, is pushed out of its nearest
    const others = tf.add(distances, tf.mul(tf.oneHot(tf.tensor1d(self, "int32"), reference.length), 1e30))
    const nearest = tf.neg(tf.topk(tf.neg(others), neighbours).values)
    return tf.argMin(tf.mean(nearest, 1)).dataSync()[0]
  })
}

/**
 * TypiClust selection over rows of `x` [N × d] whose first `labeled` rows are labelled: k-means
 * into min(labeled + k, maxClusters) clusters (mini-batch k-means above 50, as the authors'),
 * then k times: the cluster with the fewest labelled or chosen points (ties: the largest, then
 * seeded ranks), and in it the most typical free candidate, typicality = 1 / mean distance to
 * its K nearest neighbours in the cluster. Returns candidate positions (row − labeled).
 * Large problems (N·d ≥ `productsFrom`) go to `typiclustOnBackend`.
 */
export const typiclustSelect = (x: Float32Array, N: number, d: number, labeled: number, k: number, rng: RandomStream, options: TypiclustOptions = {}): Int32Array => {
  if (N * d >= (options.productsFrom ?? productsFromDefault)) return tidyValue(() => typiclustOnBackend(tf.tensor2d(x, [N, d]), labeled, k, rng, options))
  const cluster = (clusters: number) =>
    clusters > lloydClustersAtMost ? tidyValue(() => miniBatchKMeans(tf.tensor2d(x, [N, d]), clusters, rng)) : kmeans(x, N, d, clusters, rng)
  return typiclustWith(N, labeled, k, rng, options, cluster, mostTypicalByDifferences(x, d))
}

/** `typiclustSelect` on rows held by the backend, `x` [N × d] (not disposed): clustering and distances as products there. */
export const typiclustOnBackend = (x: tf.Tensor2D, labeled: number, k: number, rng: RandomStream, options: TypiclustOptions = {}): Int32Array => {
  const cluster = (clusters: number) => (clusters > lloydClustersAtMost ? miniBatchKMeans : kmeansOnBackend)(x, clusters, rng)
  return typiclustWith(x.shape[0], labeled, k, rng, options, cluster, mostTypicalByProducts(x))
}

/** The selection loop, with the clustering and the choice of the most typical candidate given. */
const typiclustWith = (
  N: number,
  labeled: number,
  k: number,
  rng: RandomStream,
  options: TypiclustOptions,
  cluster: (clusters: number) => KMeansResult,
  mostTypical: (candidates: ReadonlyArray<number>, reference: ReadonlyArray<number>, neighbours: number) => number
): Int32Array => {
  const n = N - labeled
  const want = Math.min(Math.max(0, k), n)
  const out = new Int32Array(want)
  if (want === 0) return out
  const clusters = Math.max(1, Math.min(labeled + want, options.maxClusters ?? 500, N))
  const minSize = options.minClusterSize ?? 5
  const K = options.neighbours ?? 20
  const maxReference = options.maxReference ?? 2000
  const { assignment } = cluster(clusters)
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
    const pick = candidates[mostTypical(candidates, reference, kk)]
    out[s] = pick - labeled
    taken[pick] = 1
    covered[best]++
    free[best]--
  }
  return out
}

/** The mean of the `count` smallest of `values` (count ≥ 1, at most its length): one pass keeping them sorted. */
const meanOfSmallest = (values: Float64Array, count: number): number => {
  const smallest = new Float64Array(count).fill(Number.POSITIVE_INFINITY)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (!(v < smallest[count - 1])) continue
    let p = count - 1
    while (p > 0 && smallest[p - 1] > v) {
      smallest[p] = smallest[p - 1]
      p--
    }
    smallest[p] = v
  }
  let sum = 0
  for (let j = 0; j < count; j++) sum += smallest[j]
  return sum / count
}
