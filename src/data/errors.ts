import { Data } from "effect"

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

/** A configuration value that does not fit the data (too many initial labels, unknown dataset…). */
export class DataConfigError extends Data.TaggedError("DataConfigError")<{
  readonly message: string
}> {}
