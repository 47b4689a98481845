import * as Schema from "effect/Schema"
import type { Observation, QueriedObservation } from "../stopping/criterion.js"

/** A typed array as little-endian base64 (compact, exact). */
const base64 = <A extends Int32Array | Float32Array | Uint16Array>(a: A): string =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64")

const fromBase64 = <A>(text: string, make: (buf: ArrayBuffer, length: number) => A, bytes: number): A => {
  const buf = Buffer.from(text, "base64")
  const copy = new ArrayBuffer(buf.byteLength)
  new Uint8Array(copy).set(buf)
  return make(copy, buf.byteLength / bytes)
}
/** Class indices as uint16: half the size of int32 (deal's datasets have far fewer than 65,536 classes). */
const classes = (a: Int32Array) => base64(Uint16Array.from(a))
const fromClasses = (t: string) => Int32Array.from(fromBase64(t, (b, n) => new Uint16Array(b, 0, n), 2))
const float32 = (t: string) => fromBase64(t, (b, n) => new Float32Array(b, 0, n), 4)

/** The queried batch of an observation (and of a checkpoint), arrays as base64. */
export const EncodedQueried = Schema.Struct({ predicted: Schema.String, entropy: Schema.String, labels: Schema.String })

/** A metric, NaN when there was nothing to measure on (a labelling run without a test split): JSON writes it as null. */
export const Metric = Schema.transform(Schema.NullOr(Schema.Number), Schema.Number, {
  strict: true,
  decode: (n) => n ?? Number.NaN,
  encode: (n) => (Number.isNaN(n) ? null : n)
})

const Metrics = Schema.Struct({ accuracy: Metric, macroF1: Metric, loss: Metric })

/** One line of the run's observations file (`runFile.observations`): an observation with its arrays as base64. */
export const EncodedObservation = Schema.Struct({
  round: Schema.Int,
  labeled: Schema.Int,
  unlabeled: Schema.Int,
  elapsedSeconds: Schema.Number,
  numClasses: Schema.Int,
  test: Metrics,
  validation: Schema.optional(Metrics),
  stopSet: Schema.Struct({ predictions: Schema.String, confidence: Schema.String, entropy: Schema.String }),
  queried: Schema.optional(EncodedQueried)
})
export type EncodedObservation = typeof EncodedObservation.Type

export const encodeQueried = (q: QueriedObservation): typeof EncodedQueried.Type => ({
  predicted: classes(q.predicted),
  entropy: base64(q.entropy),
  labels: classes(q.labels)
})

export const decodeQueried = (e: typeof EncodedQueried.Type): QueriedObservation => ({
  predicted: fromClasses(e.predicted),
  entropy: float32(e.entropy),
  labels: fromClasses(e.labels)
})

export const encodeObservation = (o: Observation): EncodedObservation => ({
  round: o.round,
  labeled: o.labeled,
  unlabeled: o.unlabeled,
  elapsedSeconds: o.elapsedSeconds,
  numClasses: o.numClasses,
  test: o.test,
  ...(o.validation === undefined ? {} : { validation: o.validation }),
  stopSet: {
    predictions: classes(o.stopSet.predictions),
    confidence: base64(o.stopSet.confidence),
    entropy: base64(o.stopSet.entropy)
  },
  ...(o.queried === undefined
    ? {}
    : { queried: encodeQueried(o.queried) })
})

export const decodeObservation = (e: EncodedObservation): Observation => ({
  round: e.round,
  labeled: e.labeled,
  unlabeled: e.unlabeled,
  elapsedSeconds: e.elapsedSeconds,
  numClasses: e.numClasses,
  test: e.test,
  ...(e.validation === undefined ? {} : { validation: e.validation }),
  stopSet: { predictions: fromClasses(e.stopSet.predictions), confidence: float32(e.stopSet.confidence), entropy: float32(e.stopSet.entropy) },
  ...(e.queried === undefined
    ? {}
    : { queried: decodeQueried(e.queried) })
})
