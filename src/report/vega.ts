import type { TopLevelSpec } from "vega-lite"
import * as Effect from "effect/Effect"
import { WriteError } from "../runtime/atomic-write.js"

/**
 * Compiles a vega-lite spec and renders it to an SVG string with vega's headless view (no
 * canvas). vega and vega-lite are loaded by the first chart, not by every deal command.
 */
export const renderSvg = (spec: TopLevelSpec, file = "<svg>"): Effect.Effect<string, WriteError> =>
  Effect.tryPromise({
    try: async () => {
      const [vega, vl] = await Promise.all([import("vega"), import("vega-lite")])
      const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" })
      try {
        return await view.toSVG()
      } finally {
        view.finalize()
      }
    },
    catch: (e) => new WriteError({ file, message: `cannot render the chart: ${(e as Error).message}` })
  })
