/**
 * `deal label`: a labelling run. Its directory is an ordinary deal run (each model a round: its
 * spec, results, observations, model and checkpoint, as `src/run` writes them; so `deal report`
 * and `deal stop-analysis` read it) that also holds its label spec (`src/run/label-spec.ts`: the
 * dataset, classes, strategy, model and training) and the labels log; `--resume DIR` opens them
 * again and goes on. The dataset is loaded as data to label (`--classes`), embedded by a
 * backbone when one is given, the session built from the loop's stages, and the server started;
 * the run holds the directory's lock until it stops, so one server writes a run at a time.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Scope from "effect/Scope"
import { featureSize } from "../data/dataset.js"
import type { Progress } from "../runtime/progress.js"
import { type LabelSpec, readLabelSpec, writeLabelSpec } from "../run/label-spec.js"
import { openLabelsLog } from "../run/labels-log.js"
import { lockDirectory } from "../run/lock.js"
import { completedRounds } from "../run/resume.js"
import { holdsRun } from "../run/run-files.js"
import { SpecError } from "../run/spec.js"
import { Backend } from "../runtime/backend.js"
import { methodNames, parseStopping } from "../stopping/catalogue.js"
import { loadDataToLabel } from "./label-data.js"
import { labelRunRetrainer } from "./label-rounds.js"
import { retrainWorkerEntry, threadRetrainer } from "./retrain-thread.js"
import { Retrainer } from "./retrainer.js"
import { startLabelServer } from "./server.js"
import { openLabelSession } from "./session.js"

export interface LabelRunOptions {
  readonly dir: string
  /** Go on with the run in `dir` (else `dir` must hold none). */
  readonly resume: boolean
  readonly host: string
  readonly port: number
  readonly token?: string
}

/** Starts the labelling run `spec` in `options.dir` (its spec written there first); the server's URL. */
export const startLabelRun = (spec: LabelSpec, options: LabelRunOptions): Effect.Effect<{ readonly url: string }, unknown, Backend | Progress | Scope.Scope> =>
  Effect.gen(function* () {
    const { dir } = options
    if (!options.resume && ((yield* holdsRun(dir)) || Either.isRight(yield* Effect.either(readLabelSpec(dir))))) {
      return yield* new SpecError({ message: `--out ${dir} holds a run already: go on with deal label --resume ${dir}, or choose another --out` })
    }
    // Training runs in a worker thread (which loads the data with its backbone, if any) where
    // there is a compiled one; else in this thread.
    const entry = retrainWorkerEntry()
    const data = yield* loadDataToLabel(spec, "deal label", { embed: entry === undefined })
    yield* lockDirectory(dir)
    const history = yield* completedRounds(dir)
    const backend = yield* Backend
    const retrainer =
      entry === undefined
        ? yield* labelRunRetrainer(spec, dir, data, { lockHeld: false })
        : yield* threadRetrainer(entry, { backend: backend.name, threads: backend.threads, setup: { spec, dir } })
    yield* writeLabelSpec(dir, spec)
    const log = yield* openLabelsLog(dir)
    const stopping = methodNames.map((name) => Effect.runSync(parseStopping(name)))
    const { pool, ids } = data
    const session = yield* openLabelSession({ pool, log, retrainEvery: spec.retrainEvery, seed: spec.seed, history, stopping }).pipe(Effect.provideService(Retrainer, retrainer))
    const items =
      data.folder !== undefined
        ? { kind: "image" as const, root: data.folder.root, files: ids }
        : {
            kind: "text" as const,
            texts:
              pool.texts ??
              ids.map((id: string, i: number) => `${id}: ${Array.from(pool.x.subarray(i * featureSize(pool), (i + 1) * featureSize(pool)), (v) => v.toFixed(3)).join(", ")}`)
          }
    return yield* startLabelServer({ session, classes: pool.classNames, ids, items, host: options.host, port: options.port, token: options.token })
  })
