import * as tf from "@tensorflow/tfjs-core"
import * as Effect from "effect/Effect"
import { tensorByteLimit } from "../runtime/batch-size.js"
import { DataError } from "./errors.js"

/**
 * A labelled dataset held in typed arrays: example i's features are
 * `x[i * featureSize .. (i + 1) * featureSize)`, shaped `shape` (e.g. [28, 28, 1]), and its
 * class is `y[i]`, an index into `classNames`.
 */
export interface Dataset {
  readonly name: string
  readonly x: Float32Array
  readonly shape: ReadonlyArray<number>
  readonly y: Int32Array
  readonly classNames: ReadonlyArray<string>
  /** Per-example identifiers (an image's path, a row's id), written beside predictions. */
  readonly ids?: ReadonlyArray<string>
  /**
   * What the features are (`image` [h, w, c], `tabular` [d], `text` TF-IDF [V] or token ids [L],
   * `embedding` a frozen backbone's vector [d]); models say which kinds they suit.
   */
  readonly kind?: DataKind
  /** For text: the vocabulary built from the training split (token id i + 2 is word i; 0 pads, 1 is out-of-vocabulary). */
  readonly vocabulary?: ReadonlyArray<string>
  /** For text: each example's raw text (what a text backbone embeds). */
  readonly texts?: ReadonlyArray<string>
}

/** The kinds of data deal loads; a model in the catalogue lists the kinds it suits. */
export type DataKind = "image" | "tabular" | "text" | "tokens" | "embedding"

/** An input that was skipped (`skipBad`): its file, where in it, and why. */
export interface SkippedItem {
  readonly file: string
  readonly message: string
}

/** Train and test sets, and optionally a validation set split off the training data. */
export interface DatasetSplits {
  readonly train: Dataset
  readonly test: Dataset
  readonly validation?: Dataset
  /** Inputs skipped as bad (with `skipBad`), each with where and why. */
  readonly skipped?: ReadonlyArray<SkippedItem>
}

export const featureSize = (ds: Dataset): number => ds.shape.reduce((a, b) => a * b, 1)
export const size = (ds: Dataset): number => ds.y.length
export const numClasses = (ds: Dataset): number => ds.classNames.length

/** The examples at `indices`, copied into a new dataset. */
export const take = (ds: Dataset, indices: ArrayLike<number>, name = ds.name): Dataset => {
  const f = featureSize(ds)
  const x = new Float32Array(indices.length * f)
  const y = new Int32Array(indices.length)
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]
    x.set(ds.x.subarray(i * f, (i + 1) * f), j * f)
    y[j] = ds.y[i]
  }
  const ids = ds.ids && Array.from(indices, (i) => ds.ids![i])
  const texts = ds.texts && Array.from(indices, (i) => ds.texts![i])
  return {
    name,
    x,
    shape: ds.shape,
    y,
    classNames: ds.classNames,
    ...(ids ? { ids } : {}),
    ...(ds.kind ? { kind: ds.kind } : {}),
    ...(ds.vocabulary ? { vocabulary: ds.vocabulary } : {}),
    ...(texts ? { texts } : {})
  }
}

/**
 * Whether `count` examples of `ds` are better gathered on the backend from the whole feature
 * array, sent there as it is, than copied on the host into a fresh array first: for at least a
 * quarter of the dataset (a round's candidates), since the first touch of fresh memory costs
 * (about 3 ms per MB on the machines deal is measured on) while the backend reuses its memory
 * round after round. Not when the backend cannot hold the whole array in one tensor (a GPU's
 * largest storage binding).
 */
const gatherOnBackend = (ds: Dataset, count: number): boolean => {
  const total = ds.y.length
  const f = featureSize(ds)
  return count >= total / 4 && count > 1024 && ds.x.length === total * f && 4 * total * f <= (tensorByteLimit() ?? Infinity)
}

const wholeFeatures = (ds: Dataset): tf.Tensor2D => tf.tensor2d(ds.x, [ds.y.length, featureSize(ds)])

const rowsOf = (whole: tf.Tensor2D, ds: Dataset, indices: ArrayLike<number>): tf.Tensor =>
  tf.tidy(() => tf.reshape(tf.gather(whole, tf.tensor1d(Int32Array.from(indices), "int32")), [indices.length, ...ds.shape]))

/** The features of the examples at `indices` as one tensor [m, ...shape]. */
export const featuresTensor = (ds: Dataset, indices: ArrayLike<number>): tf.Tensor => {
  if (gatherOnBackend(ds, indices.length)) return tf.tidy(() => rowsOf(wholeFeatures(ds), ds, indices))
  const f = featureSize(ds)
  const x = new Float32Array(indices.length * f)
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]
    x.set(ds.x.subarray(i * f, (i + 1) * f), j * f)
  }
  return tf.tensor(x, [indices.length, ...ds.shape], "float32")
}

/**
 * The features of `indices` batch by batch: `batch(start, end)` is `featuresTensor` of
 * indices[start, end), gathered from the whole feature array sent to the backend once when the
 * indices are many (see `featuresTensor`). `dispose` frees that array.
 */
export const featureBatches = (ds: Dataset, indices: Int32Array): { readonly batch: (start: number, end: number) => tf.Tensor; readonly dispose: () => void } => {
  const whole = gatherOnBackend(ds, indices.length) ? wholeFeatures(ds) : undefined
  return {
    batch: (start, end) => (whole === undefined ? featuresTensor(ds, indices.subarray(start, end)) : rowsOf(whole, ds, indices.subarray(start, end))),
    dispose: () => whole?.dispose()
  }
}

/** The features of examples [start, end) as a tensor, without copying the typed array. */
export const featuresRange = (ds: Dataset, start: number, end: number): tf.Tensor => {
  const f = featureSize(ds)
  return tf.tensor(ds.x.subarray(start * f, end * f), [end - start, ...ds.shape], "float32")
}

/** Per-class counts of `y`. */
export const classCounts = (y: ArrayLike<number>, classes: number): Int32Array => {
  const counts = new Int32Array(classes)
  for (let i = 0; i < y.length; i++) counts[y[i]]++
  return counts
}

/**
 * Active learning needs at least two classes in the training data (one class has nothing to
 * choose between, and training then fails inside tfjs): fails with a `DataError` naming `source`
 * (a file, or e.g. `mnist (--n_train 10)`) and the one class found. Loaders call it on their
 * training split; call it again after subsampling.
 */
export const requireTwoClasses = (ds: Pick<Dataset, "y" | "classNames">, source: string): Effect.Effect<void, DataError> => {
  const counts = classCounts(ds.y, ds.classNames.length)
  const present = [...counts.keys()].filter((c) => counts[c] > 0)
  if (present.length >= 2) return Effect.void
  const [c] = present
  const found = c === undefined ? "no examples" : `one class, '${ds.classNames[c]}' (${counts[c]} example${counts[c] === 1 ? "" : "s"})`
  return Effect.fail(new DataError({ file: source, message: `the training data has ${found}: active learning needs at least two classes`, reason: "one-class" }))
}
