import * as FiberRef from "effect/FiberRef"
import * as HashSet from "effect/HashSet"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"

/**
 * How the command line shows what library code logs (`Effect.logInfo`, `Effect.logWarning`):
 * one plain line each, `PREFIX: text` (`PREFIX: warning: text` above info), on stderr or stdout;
 * debug and trace lines are not shown. It is the only logger where it is provided.
 */
export const lineLogger = (prefix: string, stream: "stderr" | "stdout" = "stderr") => {
  const logger = Logger.make(({ logLevel, message }) => {
    const text = (Array.isArray(message) ? message : [message]).map(String).join(" ")
    const level = logLevel._tag === "Info" ? "" : `${logLevel.label.toLowerCase()}: `
    const line = `${prefix === "" ? "" : `${prefix}: `}${level}${text}`
    if (stream === "stderr") globalThis.console.error(line)
    else globalThis.console.log(line)
  }).pipe(Logger.filterLogLevel((level) => level._tag !== "Debug" && level._tag !== "Trace"))
  return Layer.locallyScoped(FiberRef.currentLoggers, HashSet.make(logger))
}
