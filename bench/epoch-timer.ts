import { Effect } from "effect"
import type { EpochReport } from "../src/models/train.js"

/**
 * Seconds per training epoch, as `fitModel`'s `onEpoch` reports them: `onEpoch` records the time
 * since the previous epoch ended (the first since the timer was made), in order, into `seconds`.
 */
export const epochTimer = () => {
  const seconds: Array<number> = []
  let last = performance.now()
  const onEpoch = (_report?: EpochReport) =>
    Effect.sync(() => {
      const now = performance.now()
      seconds.push((now - last) / 1000)
      last = now
    })
  return { seconds, onEpoch, /** The fastest epoch after the first (which warms up). */ bestAfterFirst: () => Math.min(...seconds.slice(1)) }
}
