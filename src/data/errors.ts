import { Data } from "effect"

/** A data file that cannot be read as expected: names the file, where, and what was expected. */
export class DataError extends Data.TaggedError("DataError")<{
  readonly file: string
  readonly message: string
}> {
  override toString(): string {
    return `${this.file}: ${this.message}`
  }
}

/** A configuration value that does not fit the data (too many initial labels, unknown dataset…). */
export class DataConfigError extends Data.TaggedError("DataConfigError")<{
  readonly message: string
}> {}
