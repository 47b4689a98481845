/**
 * Continuing a run after its last complete round: what the loop needs to pick up, and the one
 * rule a resumed budget must keep (a run can only go on, never be cut short after the fact).
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type { LabeledSet } from "../data/labeled-set.js"
import { foldStopping, type Observation, type QueriedObservation, type StoppingCriterion } from "../stopping/criterion.js"
import type { RoundResult } from "./events.js"

/** A resume refused: another spec, another backend, or a budget that would have stopped the run earlier. */
export class ResumeError extends Data.TaggedError("ResumeError")<{ readonly message: string }> {}

/** Where a resumed run picks up: the checkpoint of its last complete round and what came before. */
export interface LoopResume {
  /** The labelled set in acquisition order after the last complete round. */
  readonly labeled: LabeledSet
  readonly queried?: QueriedObservation
  /** Results and observations of rounds 0..r. */
  readonly rounds: ReadonlyArray<RoundResult>
  readonly observations: ReadonlyArray<Observation>
}

/**
 * Replays the observations of the rounds a run has done through `criterion`: its state after
 * them, or a refusal when it would have stopped the run at a round before `before` (the run
 * has completed round `completed`: a resumed run can only go on).
 */
export const replayStopping = <S>(
  criterion: StoppingCriterion<S>,
  observations: ReadonlyArray<Observation>,
  limits: { readonly before: number; readonly completed: number }
): Effect.Effect<S, ResumeError> => {
  const { state, first } = foldStopping(criterion, observations)
  return first === undefined || first.index >= limits.before
    ? Effect.succeed(state)
    : Effect.fail(
        new ResumeError({
          message: `the new budget would have stopped this run at round ${first.index} (${first.decision.criterion}: ${first.decision.reason}), and it has completed round ${limits.completed}: a resumed run can only go on`
        })
      )
}
