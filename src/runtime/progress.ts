import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/** Progress of long work (training epochs, scoring batches), shown to a person. */
export class Progress extends Context.Tag("deal/Progress")<
  Progress,
  {
    readonly update: (label: string, done: number, total: number) => Effect.Effect<void>
    readonly clear: Effect.Effect<void>
  }
>() {
  static readonly silent: Layer.Layer<Progress> = Layer.succeed(Progress, { update: () => Effect.void, clear: Effect.void })

  /** A one-line bar on a TTY stream (stderr by default), redrawn at most every 100 ms. */
  static terminal(stream: NodeJS.WriteStream = process.stderr): Layer.Layer<Progress> {
    if (!stream.isTTY) return Progress.silent
    let last = 0
    let shown = false
    return Layer.succeed(Progress, {
      update: (label, done, total) =>
        Effect.sync(() => {
          const now = Date.now()
          if (done < total && now - last < 100) return
          last = now
          const width = 24
          const filled = total > 0 ? Math.round((width * done) / total) : width
          const bar = "█".repeat(filled) + "░".repeat(width - filled)
          stream.write(`\r\x1b[2K${bar} ${label} ${done}/${total}`)
          shown = true
        }),
      clear: Effect.sync(() => {
        if (shown) stream.write("\r\x1b[2K")
        shown = false
      })
    })
  }
}
