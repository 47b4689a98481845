/**
 * `deal-active-learning/testing`: property-test your own query strategies with the invariants deal's catalogue is
 * tested with. fast-check arbitraries for probability matrices, MC-dropout samples and
 * embeddings, a generator of whole selection inputs ("worlds") for whatever a strategy needs,
 * and `strategyLaws(strategy)`: the laws every strategy must obey, one check per law.
 *
 * ```ts
 * import { strategyLaws } from "deal-active-learning/testing"
 * for (const law of strategyLaws(myStrategy)) it(law.name, law.check)
 * ```
 *
 * The checks run tensor code on the current tfjs backend (set one first, e.g. `cpu`). Needs the
 * `fast-check` package (v4), which deal lists as an optional peer dependency.
 */
import * as tf from "@tensorflow/tfjs-core"
import * as tfl from "@tensorflow/tfjs-layers"
import fc from "fast-check"
import { RandomStream } from "../runtime/random.js"
import { isScored, type SelectionInput, type Strategy, type StrategyNeed } from "../strategies/strategy.js"

/** A row-major matrix [rows × cols] in a Float32Array. */
export interface Matrix {
  readonly rows: number
  readonly cols: number
  readonly data: Float32Array
}

/** MC-dropout samples [rows × samples × classes], row-major. */
export interface McSamples {
  readonly rows: number
  readonly samples: number
  readonly classes: number
  readonly data: Float32Array
}

/** One probability entry: often exactly 0 (to exercise 0 log 0), otherwise a positive weight. */
const weight = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.constant(1) },
  { weight: 6, arbitrary: fc.float({ min: Math.fround(1e-4), max: 1, noNaN: true }) }
)

/** Normalises each group of `c` weights to sum to 1 (uniform where a group is all zero). */
const normaliseRows = (weights: ReadonlyArray<number>, c: number): Float32Array => {
  const out = new Float32Array(weights.length)
  for (let r = 0; r < weights.length; r += c) {
    let s = 0
    for (let j = 0; j < c; j++) s += weights[r + j]
    for (let j = 0; j < c; j++) out[r + j] = s > 0 ? weights[r + j] / s : 1 / c
  }
  return out
}

/** Probability matrix [rows × classes] with these exact sizes: rows of non-negative entries summing to 1. */
export const probabilityMatrixOf = (rows: number, classes: number): fc.Arbitrary<Matrix> =>
  fc.array(weight, { minLength: rows * classes, maxLength: rows * classes }).map((w) => ({ rows, cols: classes, data: normaliseRows(w, classes) }))

/** Probability matrices of 1..maxRows rows and 2..maxClasses classes. */
export const probabilityMatrix = (options: { readonly maxRows?: number; readonly maxClasses?: number } = {}): fc.Arbitrary<Matrix> =>
  fc
    .tuple(fc.integer({ min: 1, max: options.maxRows ?? 30 }), fc.integer({ min: 2, max: options.maxClasses ?? 6 }))
    .chain(([n, c]) => probabilityMatrixOf(n, c))

/** MC-dropout samples with these exact sizes: every pass of every row a probability vector. */
export const mcSamplesOf = (rows: number, samples: number, classes: number): fc.Arbitrary<McSamples> =>
  fc
    .array(weight, { minLength: rows * samples * classes, maxLength: rows * samples * classes })
    .map((w) => ({ rows, samples, classes, data: normaliseRows(w, classes) }))

/** MC-dropout samples [1..maxRows × 1..maxSamples × 2..maxClasses]. */
export const mcSamples = (
  options: { readonly maxRows?: number; readonly maxSamples?: number; readonly maxClasses?: number } = {}
): fc.Arbitrary<McSamples> =>
  fc
    .tuple(
      fc.integer({ min: 1, max: options.maxRows ?? 20 }),
      fc.integer({ min: 1, max: options.maxSamples ?? 8 }),
      fc.integer({ min: 2, max: options.maxClasses ?? 5 })
    )
    .chain(([n, t, c]) => mcSamplesOf(n, t, c))

/**
 * Embeddings [rows × dim] with these exact sizes. With `integer`, coordinates are small integers
 * in [−8, 8], so squared distances are exact in float32 and ties are real ties; otherwise floats
 * in [−4, 4], with duplicated rows now and then.
 */
export const embeddingsOf = (rows: number, dim: number, options: { readonly integer?: boolean } = {}): fc.Arbitrary<Matrix> => {
  const value = options.integer ? fc.integer({ min: -8, max: 8 }) : fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true })
  const row = fc.array(value, { minLength: dim, maxLength: dim })
  return fc.array(fc.oneof({ weight: 5, arbitrary: row }, { weight: 1, arbitrary: fc.constant(null) }), { minLength: rows, maxLength: rows }).map((rs) => {
    const data = new Float32Array(rows * dim)
    let previous: ReadonlyArray<number> = new Array(dim).fill(0)
    rs.forEach((r, i) => {
      const v = r ?? previous // null repeats the previous row: duplicates happen in real pools
      data.set(v, i * dim)
      previous = v
    })
    return { rows, cols: dim, data }
  })
}

/** Embeddings of 1..maxRows rows and 1..maxDim dimensions. */
export const embeddings = (options: { readonly maxRows?: number; readonly maxDim?: number; readonly integer?: boolean } = {}): fc.Arbitrary<Matrix> =>
  fc
    .tuple(fc.integer({ min: 1, max: options.maxRows ?? 30 }), fc.integer({ min: 1, max: options.maxDim ?? 6 }))
    .chain(([n, d]) => embeddingsOf(n, d, options))

/**
 * Everything a strategy might need for one selection, with consistent sizes: n candidates
 * (distinct pool indices in increasing order), C classes, T MC passes, d-dimensional embeddings
 * of the candidates and of L labelled examples, a query size k (sometimes larger than n) and a seed.
 */
export interface StrategyWorld {
  readonly candidates: Int32Array
  readonly k: number
  readonly seed: number
  readonly probabilities: Matrix
  readonly mcProbabilities: McSamples
  readonly embeddings: Matrix
  readonly labeledEmbeddings: Matrix
  /** Class probabilities of the labelled examples [L × C]. */
  readonly labeledProbabilities: Matrix
}

export interface WorldOptions {
  readonly maxCandidates?: number
  readonly maxClasses?: number
  readonly maxSamples?: number
  readonly maxDim?: number
  readonly maxLabeled?: number
  /** Integer embedding coordinates (exact distances). */
  readonly integerEmbeddings?: boolean
}

export const strategyWorld = (options: WorldOptions = {}): fc.Arbitrary<StrategyWorld> =>
  fc
    .record({
      n: fc.integer({ min: 1, max: options.maxCandidates ?? 24 }),
      c: fc.integer({ min: 2, max: options.maxClasses ?? 5 }),
      t: fc.integer({ min: 2, max: options.maxSamples ?? 6 }),
      d: fc.integer({ min: 1, max: options.maxDim ?? 5 }),
      l: fc.integer({ min: 0, max: options.maxLabeled ?? 6 }),
      seed: fc.integer({ min: 0, max: 0x7fffffff })
    })
    .chain(({ n, c, t, d, l, seed }) =>
      fc.record({
        candidates: fc.constant(RandomStream.make(seed, "candidates").sample(Int32Array.from({ length: 4 * n }, (_, i) => i), n).sort()),
        k: fc.integer({ min: 0, max: n + 3 }),
        seed: fc.constant(seed),
        probabilities: probabilityMatrixOf(n, c),
        mcProbabilities: mcSamplesOf(n, t, c),
        embeddings: embeddingsOf(n, d, { integer: options.integerEmbeddings ?? false }),
        labeledEmbeddings: embeddingsOf(l, d, { integer: options.integerEmbeddings ?? false }),
        labeledProbabilities: probabilityMatrixOf(l, c)
      })
    )

/** The world with its classes reordered by `perm` (class j becomes class perm[j]'s values). */
export const permuteClasses = (world: StrategyWorld, perm: ReadonlyArray<number>): StrategyWorld => {
  const permute = (data: Float32Array, c: number) => {
    const out = new Float32Array(data.length)
    for (let r = 0; r < data.length; r += c) for (let j = 0; j < c; j++) out[r + j] = data[r + perm[j]]
    return out
  }
  return {
    ...world,
    probabilities: { ...world.probabilities, data: permute(world.probabilities.data, world.probabilities.cols) },
    labeledProbabilities: { ...world.labeledProbabilities, data: permute(world.labeledProbabilities.data, world.labeledProbabilities.cols) },
    mcProbabilities: { ...world.mcProbabilities, data: permute(world.mcProbabilities.data, world.mcProbabilities.classes) }
  }
}

/**
 * Builds the tensors of `needs` from a world (a tiny seeded softmax-regression model over the
 * embeddings for `model`), runs `f` on the selection input, and frees everything it made.
 */
export const withSelectionInput = <A>(world: StrategyWorld, needs: ReadonlyArray<StrategyNeed>, f: (input: SelectionInput) => A, rngSeed = world.seed): A => {
  const made: Array<{ dispose(): unknown }> = []
  const keep = <T extends { dispose(): unknown }>(t: T): T => (made.push(t), t)
  const has = new Set(needs)
  const p = world.probabilities
  const mc = world.mcProbabilities
  const e = world.embeddings
  try {
    const input: { -readonly [K in keyof SelectionInput]: SelectionInput[K] } = {
      candidates: world.candidates,
      k: world.k,
      rng: RandomStream.make(rngSeed, "select")
    }
    const probabilities = () => keep(tf.tensor2d(p.data, [p.rows, p.cols]))
    const features = () => keep(tf.tensor2d(e.data, [e.rows, e.cols]))
    if (has.has("probabilities")) input.probabilities = probabilities()
    if (has.has("mcProbabilities")) input.mcProbabilities = keep(tf.tensor3d(mc.data, [mc.rows, mc.samples, mc.classes]))
    if (has.has("embeddings")) input.embeddings = features()
    if (has.has("labeledEmbeddings")) {
      input.labeledEmbeddings = keep(tf.tensor2d(world.labeledEmbeddings.data, [world.labeledEmbeddings.rows, world.labeledEmbeddings.cols]))
    }
    const residualOf = (probs: tf.Tensor2D) => keep(tf.tidy(() => tf.sub(probs, tf.oneHot(tf.argMax(probs, 1), p.cols)) as tf.Tensor2D))
    if (has.has("gradientEmbeddings")) input.gradientEmbeddings = { residual: residualOf(probabilities()), features: features() }
    if (has.has("labeledGradientEmbeddings")) {
      const [lp, le] = [world.labeledProbabilities, world.labeledEmbeddings]
      input.labeledGradientEmbeddings = { residual: residualOf(keep(tf.tensor2d(lp.data, [lp.rows, p.cols]))), features: keep(tf.tensor2d(le.data, [le.rows, le.cols])) }
    }
    if (has.has("model")) {
      const init = RandomStream.make(world.seed, "model")
      const model = keep(
        tfl.sequential({
          layers: [
            tfl.layers.dense({
              inputShape: [e.cols],
              units: p.cols,
              activation: "softmax",
              kernelInitializer: tfl.initializers.glorotUniform({ seed: init.seed() }),
              biasInitializer: tfl.initializers.randomNormal({ seed: init.seed() })
            })
          ]
        })
      )
      input.model = {
        model,
        numClasses: p.cols,
        features: (positions) => {
          const rows = new Float32Array(positions.length * e.cols)
          for (let j = 0; j < positions.length; j++) rows.set(e.data.subarray(positions[j] * e.cols, (positions[j] + 1) * e.cols), j * e.cols)
          return tf.tensor2d(rows, [positions.length, e.cols])
        }
      }
    }
    return f(input)
  } finally {
    made.forEach((t) => t.dispose())
  }
}

/** The selection of `strategy` on a world. */
export const selectOn = (strategy: Strategy, world: StrategyWorld, rngSeed = world.seed): Int32Array =>
  withSelectionInput(world, strategy.needs, (input) => strategy.select(input), rngSeed)

export interface LawOptions extends WorldOptions {
  /** fast-check runs per law (default 40). */
  readonly numRuns?: number
  /** Check that the score is invariant under a permutation of the classes (default true; scored strategies only). */
  readonly classSymmetric?: boolean
  /** Relative tolerance of score comparisons (default 1e-4). */
  readonly tolerance?: number
}

export interface StrategyLaw {
  readonly name: string
  /** Runs the property; throws fast-check's counterexample report when the law fails. */
  readonly check: () => void
}

const fail = (message: string): never => {
  throw new Error(message)
}

/**
 * The laws every query strategy must obey, each as a fast-check property over generated worlds:
 * 1. it returns exactly min(k, |candidates|) distinct indices, all of them candidates;
 * 2. the same seed gives the same selection;
 * 3. it frees every tensor it makes and leaves its inputs alive;
 * 4. (scored strategies, unless `classSymmetric: false`) its scores do not change when the
 *    classes are permuted.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core"
 * import "@tensorflow/tfjs-backend-cpu"
 * import { Strategies } from "deal-active-learning"
 * import { strategyLaws } from "deal-active-learning/testing"
 *
 * await tf.setBackend("cpu")
 * // The invariants deal's catalogue is tested with, for a strategy of your own: each law's check
 * // throws fast-check's counterexample when it fails (in a test file: it(law.name, law.check)).
 * const leastSure = Strategies.scoringStrategy({
 *   name: "least-sure",
 *   rule: "lowest max-probability first",
 *   citation: "an example",
 *   direction: "lowest",
 *   score: (p) => tf.max(p, 1) as tf.Tensor1D
 * })
 * for (const law of strategyLaws(leastSure, { numRuns: 10 })) law.check()
 * ```
 */
export const strategyLaws = (strategy: Strategy, options: LawOptions = {}): ReadonlyArray<StrategyLaw> => {
  const numRuns = options.numRuns ?? 40
  const worlds = strategyWorld(options)
  const laws: Array<StrategyLaw> = [
    {
      name: `${strategy.name}: selects exactly min(k, |candidates|) distinct candidates`,
      check: () =>
        fc.assert(
          fc.property(worlds, (w) => {
            const picked = selectOn(strategy, w)
            const want = Math.min(w.k, w.candidates.length)
            if (!(picked instanceof Int32Array)) fail(`select returned ${Object.prototype.toString.call(picked)}, expected an Int32Array`)
            if (picked.length !== want) fail(`selected ${picked.length} indices, expected min(k=${w.k}, n=${w.candidates.length}) = ${want}`)
            if (new Set(picked).size !== picked.length) fail(`selected a duplicate index: ${Array.from(picked).join(", ")}`)
            const allowed = new Set(w.candidates)
            for (const i of picked) if (!allowed.has(i)) fail(`selected ${i}, which is not a candidate`)
          }),
          { numRuns }
        )
    },
    {
      name: `${strategy.name}: the same seed gives the same selection`,
      check: () =>
        fc.assert(
          fc.property(worlds, (w) => {
            const a = Array.from(selectOn(strategy, w))
            const b = Array.from(selectOn(strategy, w))
            if (a.join() !== b.join()) fail(`two selections with seed ${w.seed} differ: [${a}] vs [${b}]`)
          }),
          { numRuns }
        )
    },
    {
      name: `${strategy.name}: frees the tensors it makes and leaves its inputs alive`,
      check: () =>
        fc.assert(
          fc.property(worlds, (w) => {
            withSelectionInput(w, strategy.needs, (input) => {
              const before = tf.memory().numTensors
              strategy.select(input)
              const after = tf.memory().numTensors
              if (after !== before) fail(`select changed the live tensor count from ${before} to ${after}`)
              const inputs = [input.probabilities, input.mcProbabilities, input.embeddings, input.labeledEmbeddings, input.gradientEmbeddings?.residual]
              if (inputs.some((t) => t?.isDisposed)) fail("select disposed one of its input tensors")
            })
          }),
          { numRuns: Math.max(1, Math.floor(numRuns / 2)) }
        )
    }
  ]
  if (isScored(strategy) && options.classSymmetric !== false && !strategy.needs.includes("model")) {
    const tolerance = options.tolerance ?? 1e-4
    laws.push({
      name: `${strategy.name}: scores are invariant under a permutation of the classes`,
      check: () =>
        fc.assert(
          fc.property(
            worlds.chain((w) => fc.tuple(fc.constant(w), fc.shuffledSubarray([...Array(w.probabilities.cols).keys()], { minLength: w.probabilities.cols }))),
            ([w, perm]) => {
              const a = withSelectionInput(w, strategy.needs, (input) => strategy.score(input))
              const b = withSelectionInput(permuteClasses(w, perm), strategy.needs, (input) => strategy.score(input))
              a.forEach((v, i) => {
                if (!(Math.abs(v - b[i]) <= tolerance * Math.max(1, Math.abs(v)) || (Number.isNaN(v) && Number.isNaN(b[i])))) {
                  fail(`score of candidate ${i} is ${v} but ${b[i]} after permuting the classes by [${perm}]`)
                }
              })
            }
          ),
          { numRuns }
        )
    })
  }
  return laws
}

/** Runs every law of `strategyLaws(strategy, options)`; throws at the first that fails. */
export const assertStrategyLaws = (strategy: Strategy, options: LawOptions = {}): void => {
  for (const law of strategyLaws(strategy, options)) law.check()
}
