/**
 * The one way deal waits on a worker thread (grid cells, the labelling retrainer): ask it
 * (once listening), then wait for the message that ends the request; a crash or an exit of the
 * thread fails the request, and the listeners come off the thread when it ends or is
 * interrupted, since a thread serves many requests.
 */
import type { Worker } from "node:worker_threads"
import * as Effect from "effect/Effect"

export const threadReply = <M, A, E>(
  worker: Worker,
  options: {
    /** What the request waits for: the outcome a message ends it with, or undefined (not its end; it may report progress). */
    readonly reply: (message: M) => Effect.Effect<A, E> | undefined
    /** The request's error for a thread that crashed or exited (`the worker crashed: …`). */
    readonly failure: (message: string) => E
    /** The thread, as a failure names it ("the worker"). */
    readonly name: string
    /** Sends the request, once listening (nothing: wait for a message the thread sends by itself). */
    readonly ask?: () => void
  }
): Effect.Effect<A, E> =>
  Effect.async<A, E>((resume) => {
    const detach = () => {
      worker.off("message", onMessage)
      worker.off("error", onError)
      worker.off("exit", onExit)
    }
    const end = (outcome: Effect.Effect<A, E>) => {
      detach()
      resume(outcome)
    }
    const onMessage = (m: M) => {
      const outcome = options.reply(m)
      if (outcome !== undefined) end(outcome)
    }
    const onError = (e: Error) => end(Effect.fail(options.failure(`${options.name} crashed: ${e.message}`)))
    const onExit = (code: number) => end(Effect.fail(options.failure(`${options.name} exited (code ${code})`)))
    worker.on("message", onMessage)
    worker.on("error", onError)
    worker.on("exit", onExit)
    options.ask?.()
    return Effect.sync(detach)
  })
