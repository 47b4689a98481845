import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"

/** Runs `effect` and pairs its value with the seconds it took (Effect's Clock). */
export const timedSeconds = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<readonly [A, number], E, R> =>
  Effect.map(Effect.timed(effect), ([d, a]) => [a, Duration.toMillis(d) / 1000] as const)
