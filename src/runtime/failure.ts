import * as Cause from "effect/Cause"

/**
 * A failure as one line: `Tag: where: message`, as the CLI prints it (where: the file, or the
 * backbone, the failure names).
 */
export const describeFailure = (cause: Cause.Cause<unknown>): string => {
  const failure = Cause.failureOption(cause)
  if (failure._tag === "None") return Cause.pretty(cause).split("\n")[0]
  const e = failure.value
  if (typeof e !== "object" || e === null) return String(e)
  const tag = "_tag" in e ? `${String(e._tag)}: ` : ""
  const where = "file" in e ? `${String(e.file)}: ` : "backbone" in e ? `backbone '${String(e.backbone)}': ` : ""
  const message = "message" in e ? String(e.message) : String(e)
  return `${tag}${where}${message}`
}
