/**
 * The labelled set of an active-learning run: pool indices in the order they were acquired,
 * each with the label the oracle gave it. One value wherever the labelled set travels (training,
 * checkpoints, resumes, labelling sessions); it is never mutated.
 */
export interface LabeledSet {
  /** Pool indices in acquisition order. */
  readonly indices: Int32Array
  /** The oracle's label of each index, aligned with `indices`. */
  readonly labels: Int32Array
}

export const emptyLabeledSet: LabeledSet = { indices: new Int32Array(0), labels: new Int32Array(0) }

/** A labelled set from aligned indices and labels; fails when their lengths differ. */
export const labeledSet = (indices: ArrayLike<number>, labels: ArrayLike<number>): LabeledSet => {
  if (indices.length !== labels.length) throw new RangeError(`a labelled set needs one label per index, got ${indices.length} indices and ${labels.length} labels`)
  return { indices: Int32Array.from(indices), labels: Int32Array.from(labels) }
}

/** `set` with `more` appended after it, in order. */
export const appendLabeled = (set: LabeledSet, more: LabeledSet): LabeledSet => {
  const indices = new Int32Array(set.indices.length + more.indices.length)
  indices.set(set.indices)
  indices.set(more.indices, set.indices.length)
  const labels = new Int32Array(indices.length)
  labels.set(set.labels)
  labels.set(more.labels, set.labels.length)
  return { indices, labels }
}

/** Each labelled pool index's label. */
export const labelOf = (set: LabeledSet): ReadonlyMap<number, number> => new Map(Array.from(set.indices, (index, j) => [index, set.labels[j]]))
