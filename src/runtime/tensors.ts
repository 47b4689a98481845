import type * as tf from "@tensorflow/tfjs-core"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"

/** Anything with a `dispose` (tensors, layers models, optimizers). */
export interface Disposable {
  dispose(): unknown
}

/**
 * Acquires a tensor (or model) that outlives a synchronous `tf.tidy`: it is disposed when the
 * enclosing `Scope` closes, whether the scope succeeds, fails or is interrupted.
 */
export const acquireDisposable = <A extends Disposable>(make: () => A): Effect.Effect<A, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.sync(make), (a) => Effect.sync(() => void a.dispose()))

export const acquireTensor = <T extends tf.Tensor>(make: () => T): Effect.Effect<T, never, Scope.Scope> =>
  acquireDisposable(make)
