import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { RandomStream } from "./random.js"

/**
 * The run's seeded randomness as an Effect service. `stream(...path)` gives the stream for one
 * purpose; the same seed and path always give the same numbers.
 */
export class Rng extends Context.Tag("deal/Rng")<
  Rng,
  {
    readonly seed: number
    readonly stream: (...path: ReadonlyArray<string | number>) => RandomStream
  }
>() {
  static layer(seed: number): Layer.Layer<Rng> {
    return Layer.succeed(Rng, { seed, stream: (...path) => RandomStream.make(seed, ...path) })
  }
}

/** The stream for a purpose path, from the `Rng` in context. */
export const randomStream = (...path: ReadonlyArray<string | number>): Effect.Effect<RandomStream, never, Rng> =>
  Effect.map(Rng, (rng) => rng.stream(...path))
