import type { RandomStream } from "../runtime/random.js"
import { tidyValue } from "../runtime/tidy-value.js"
import { squaredDistancesToRow } from "./kernels/distances.js"
import { tieBreakRanks } from "./kernels/tie-break.js"
import { topK } from "./kernels/top-k.js"
import { marginScore } from "./margin.js"
import { required, type Strategy } from "./strategy.js"

/**
 * Cluster-Margin (its paper, rule and direction: `doc`, below).
 * How: take the k_m = 10·k lowest-margin candidates, cluster their embeddings by average-linkage
 * HAC, and pick round-robin from the clusters, smallest first, so a large batch is both uncertain
 * and diverse.
 * (The paper clusters the whole pool once; deal clusters the margin candidates each round.)
 */
export const clusterMargin = (options: ClusterMarginOptions = {}): Strategy => ({
  name: "cluster-margin",
  aliases: ["ClusterMargin"],
  doc: {
    rule: "the 10·k smallest margins, clustered by average-linkage HAC, round-robin over clusters smallest first",
    citation: "Citovsky, DeSalvo, Gentile, Karydas, Rajagopalan, Rostamizadeh & Kumar (2021), Batch Active Learning at Scale, NeurIPS",
    direction: "smallest margin first, spread over clusters"
  },
  needs: ["probabilities", "embeddings"],
  select: (input) => {
    const p = required(input, "probabilities", "cluster-margin")
    const e = required(input, "embeddings", "cluster-margin")
    const [n, d] = e.shape
    const want = Math.min(Math.max(0, input.k), n)
    if (want === 0) return new Int32Array(0)
    const km = Math.min(n, Math.max(want, Math.min((options.marginMultiple ?? 10) * want, options.maxMarginCandidates ?? 2000)))
    const margins = tidyValue(() => marginScore(p).dataSync() as Float32Array)
    const shortlist = topK(margins, km, "lowest", input.rng)
    const all = e.dataSync() as Float32Array
    const x = new Float32Array(km * d)
    shortlist.forEach((pos, j) => x.set(all.subarray(pos * d, (pos + 1) * d), j * d))
    const labels = averageLinkage(x, km, d, options.clusters ?? want)
    return roundRobin(labels, want, input.rng).map((j) => input.candidates[shortlist[j]])
  }
})

export interface ClusterMarginOptions {
  /** Margin candidates k_m = marginMultiple · k (default 10, as in the paper's experiments). */
  readonly marginMultiple?: number
  /** Margin candidates at most (default 2000): HAC is O(k_m²). */
  readonly maxMarginCandidates?: number
  /** Clusters of the margin candidates (default k). */
  readonly clusters?: number
}

/**
 * Round-robin over clusters from smallest to largest (ties: seeded ranks), a seeded random member
 * each time, until k positions are chosen.
 */
const roundRobin = (labels: Int32Array, k: number, rng: RandomStream): Int32Array => {
  const groups = new Map<number, Array<number>>()
  labels.forEach((l, i) => groups.set(l, [...(groups.get(l) ?? []), i]))
  const tie = tieBreakRanks(groups.size, rng)
  const ordered = [...groups.entries()].sort((a, b) => a[1].length - b[1].length || tie[a[0]] - tie[b[0]]).map(([, g]) => Array.from(rng.shuffleInPlace(Int32Array.from(g))))
  const out: Array<number> = []
  for (let round = 0; out.length < k; round++) {
    let any = false
    for (const g of ordered) {
      if (round < g.length && out.length < k) {
        out.push(g[round])
        any = true
      }
    }
    if (!any) break
  }
  return Int32Array.from(out)
}

/**
 * Average-linkage agglomerative clustering of the rows of `x` [m × d] (Euclidean), cut into
 * `clusters` clusters. Nearest-neighbour-chain algorithm with Lance–Williams updates: O(m²) time
 * and memory (an m × m Float64 matrix), so callers bound m.
 */
export const averageLinkage = (x: Float32Array, m: number, d: number, clusters: number): Int32Array => {
  const D = new Float64Array(m * m)
  const row = new Float64Array(m)
  for (let i = 0; i < m; i++) {
    // squared distances from row i to the rows after it
    squaredDistancesToRow(x.subarray((i + 1) * d), m - i - 1, d, x.subarray(i * d, (i + 1) * d), row)
    for (let j = i + 1; j < m; j++) D[i * m + j] = D[j * m + i] = Math.sqrt(row[j - i - 1])
  }
  const size = new Int32Array(m).fill(1)
  const active = new Uint8Array(m).fill(1)
  const merges: Array<{ a: number; b: number; h: number; order: number }> = []
  const chain: Array<number> = []
  let remaining = m
  while (remaining > 1) {
    if (chain.length === 0) chain.push(active.indexOf(1))
    const a = chain[chain.length - 1]
    const prev = chain.length > 1 ? chain[chain.length - 2] : -1
    let b = prev
    let bd = prev >= 0 ? D[a * m + prev] : Number.POSITIVE_INFINITY
    for (let j = 0; j < m; j++) {
      if (!active[j] || j === a) continue
      if (D[a * m + j] < bd || b < 0) {
        b = j
        bd = D[a * m + j]
      }
    }
    if (b === prev) {
      chain.pop()
      chain.pop()
      merges.push({ a, b, h: bd, order: merges.length })
      const [keepI, dropI] = a < b ? [a, b] : [b, a]
      for (let j = 0; j < m; j++) {
        if (!active[j] || j === keepI || j === dropI) continue
        const v = (size[keepI] * D[keepI * m + j] + size[dropI] * D[dropI * m + j]) / (size[keepI] + size[dropI])
        D[keepI * m + j] = D[j * m + keepI] = v
      }
      size[keepI] += size[dropI]
      active[dropI] = 0
      remaining--
    } else {
      chain.push(b)
    }
  }
  // replay the lowest merges in height order with union-find until `clusters` remain
  merges.sort((p, q) => p.h - q.h || p.order - q.order)
  const parent = Int32Array.from({ length: m }, (_, i) => i)
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])))
  for (let s = 0; s < m - Math.max(1, Math.min(clusters, m)); s++) parent[find(merges[s].a)] = find(merges[s].b)
  const label = new Int32Array(m).fill(-1)
  const ids = new Map<number, number>()
  for (let i = 0; i < m; i++) {
    const r = find(i)
    if (!ids.has(r)) ids.set(r, ids.size)
    label[i] = ids.get(r)!
  }
  return label
}
