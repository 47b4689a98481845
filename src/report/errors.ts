import { Data } from "effect"

/** A result file that could not be written. */
export class ReportError extends Data.TaggedError("ReportError")<{ readonly file: string; readonly message: string }> {}
