/**
 * A labelling run's rounds: the retrainer of `deal label` (the spec's stages, in the thread that
 * calls this) with each model written to the run directory as its next round, so the directory is
 * an ordinary run that `deal report` and `deal stop-analysis` read. Used by the worker thread
 * (`retrain-worker.ts`), and in the server's thread where there is no compiled worker.
 */
import * as Effect from "effect/Effect"
import type { LabelSpec } from "../run/label-spec.js"
import { completedRounds } from "../run/resume.js"
import { runDirectoryReporter } from "../run/run-directory.js"
import { encodeSpec } from "../run/spec.js"
import { Backend, computeIdentity } from "../runtime/backend.js"
import type { DataToLabel } from "./label-data.js"
import { stageRetrainer } from "./retrainer.js"

/** The run's retrainer; the caller holds the directory's lock (`lockHeld`: in another thread of this process). */
export const labelRunRetrainer = (spec: LabelSpec, dir: string, data: DataToLabel, options: { readonly lockHeld: boolean }) =>
  Effect.gen(function* () {
    const history = yield* completedRounds(dir)
    const reporter = yield* runDirectoryReporter(dir, {
      spec: encodeSpec({ ...data.resolved.spec, nQuery: spec.retrainEvery }),
      compute: computeIdentity((yield* Backend).name),
      test: data.test,
      lockHeld: options.lockHeld,
      mode: history === undefined ? { _tag: "restart" } : { _tag: "resume", ...history }
    })
    return yield* stageRetrainer({ pool: data.pool, test: data.test, seed: spec.seed, reporter }).pipe(Effect.provide(data.stages))
  })
