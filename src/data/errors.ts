import * as Data from "effect/Data"
import * as Effect from "effect/Effect"

/**
 * What kind of bad input a {@link DataError} reports, for code that reacts to one case
 * (the message is for people).
 */
export type DataErrorReason =
  | "unreadable"
  | "missing-split"
  | "class-mismatch"
  | "undecodable"
  | "mixed-sizes"
  | "empty-class"
  | "missing-label"
  | "non-numeric"
  | "unknown-label"
  | "bad-json"
  | "bad-format"
  | "one-class"
  | "out-of-range"
  | "missing-text"
  | "label-spelling"
  | "empty"

/** A data file that cannot be read as expected: names the file, where, and what was expected. */
export class DataError extends Data.TaggedError("DataError")<{
  readonly file: string
  readonly message: string
  readonly reason?: DataErrorReason
}> {
  override toString(): string {
    return `${this.file}: ${this.message}`
  }
}

/** Fails with a {@link DataError} about `file`. */
export const failData = (file: string, message: string, reason?: DataErrorReason): Effect.Effect<never, DataError> =>
  Effect.fail(new DataError({ file, message, ...(reason === undefined ? {} : { reason }) }))

/** A configuration value that does not fit the data (too many initial labels, unknown dataset…). */
export class DataConfigError extends Data.TaggedError("DataConfigError")<{
  readonly message: string
}> {}
