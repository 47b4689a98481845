import { join } from "node:path"
import { Command } from "@effect/cli"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { RoundResult, RunEvent } from "../loop/events.js"
import { runFile } from "../run/run-file-names.js"
import type { StopRecord } from "../run/run-files.js"
import { resolveSpec, SpecError } from "../run/spec.js"
import { Backend } from "../runtime/backend.js"
import { Progress } from "../runtime/progress.js"
import { backendFlags, backendLayer } from "./backend-flags.js"
import { dalmaxParams } from "./dalmax-params.js"
import { booleanFlag, givenFields, textFlag } from "./flags.js"
import { dataFlags, modelFlags, roundFlags, runDataFlags, seedFlags, strategyFlags } from "./spec-flags.js"

export const options = {
  ...dataFlags,
  ...runDataFlags,
  ...strategyFlags,
  ...roundFlags,
  ...seedFlags,
  ...modelFlags,
  paramsJson: textFlag("params_json", "DalMax's params file (params_df.json): the dataset's n_epoch, n_drop, batch size, SGD lr and momentum, and data_dir; flags given here win"),
  dirResults: textFlag("dir_results", "as DalMax: the folder to write the run directory in (DIR/DATASET-STRATEGY-seedSEED), instead of --out"),
  out: textFlag("out", `run directory for ${runFile.spec}, ${runFile.resultsCsv}, ${runFile.results}, …`, { shown: "runs/DATASET-STRATEGY-seedSEED" }),
  resume: textFlag("resume", `continue the interrupted run in this directory from its last complete round (flags given must match its ${runFile.spec})`),
  ...backendFlags,
  allowBackendChange: booleanFlag(
    "allow_backend_change",
    "with --resume: go on under another backend or tfjs/kernel versions than the run's (float order differs; each round records its backend)"
  )
}

/** The spec fields the user gave on the command line (absent: not given, so the spec's default or the saved run's). */
const givenSpec = (o: Command.Command.ParseConfig<typeof options>) => {
  const { paramsJson: _p, dirResults: _d, out: _o, resume: _r, backend: _b, threads: _t, allowBackendChange: _a, ...spec } = givenFields(o)
  return spec
}


const printSummary = (rounds: ReadonlyArray<RoundResult>, stop: string, out: string) =>
  Effect.flatMap(Effect.promise(() => import("../run/run-files.js")), ({ resultsTable }) =>
    Effect.all([
      Console.log(resultsTable(rounds).toMarkdown({ format: { round: String, labeled: String } })),
      Console.log(stop),
      Console.log(`results: ${join(out, runFile.resultsCsv)}`)
    ])
  )

const stopLine = (stop: StopRecord) => `stopped by ${stop.criterion} after round ${stop.round} (${stop.labeled} labels): ${stop.reason}`

/**
 * Tracks the round in progress, so that Ctrl-C or SIGTERM can say where the run was
 * interrupted and how to go on.
 */
const roundTracker = () => {
  let next = 0
  return {
    reporter: { report: (e: RunEvent) => Effect.sync(() => void (e._tag === "RoundCompleted" && (next = e.result.round + 1))) },
    interrupted: (dir: string) =>
      Console.error(
        next === 0
          ? `deal: interrupted at round 0, before anything was saved; run the same command again`
          : `deal: interrupted at round ${next}; resume with deal run --resume ${dir}`
      )
  }
}

/** `deal run`: one active-learning run, with DalMax's flags; `--resume DIR` continues one. */
export const runCommand = Command.make("run", options, (o) =>
  Effect.gen(function* () {
    const backend = yield* Backend
    yield* Console.error(`deal: backend ${backend.device}`)
    const given = givenSpec(o)
    const tracker = roundTracker()
    if (Option.isSome(o.resume)) {
      const dir = o.resume.value
      const { resumeExperiment } = yield* Effect.promise(() => import("../run/resume.js"))
      const outcome = yield* resumeExperiment(dir, given, { reporter: tracker.reporter, allowBackendChange: o.allowBackendChange }).pipe(
        Effect.onInterrupt(() => tracker.interrupted(dir))
      )
      if (outcome._tag === "AlreadyFinished") {
        return yield* printSummary(outcome.rounds, `the run had already finished at round ${outcome.round} (${stopLine(outcome.stop)}); nothing to do`, dir)
      }
      yield* Console.error(`deal: resumed ${dir} at round ${outcome.fromRound}${outcome.redone === undefined ? "" : ` (${outcome.redone})`}`)
      return yield* printSummary(outcome.summary.rounds, stopLine(outcome.summary.stop), dir)
    }
    if (Option.isSome(o.out) && Option.isSome(o.dirResults)) return yield* Effect.fail(new SpecError({ message: "give --out or --dir_results, not both" }))
    const spec = Option.isSome(o.paramsJson) ? yield* dalmaxParams(o.paramsJson.value, given) : given
    const resolved = yield* resolveSpec(spec)
    const { dataset, strategy, seed } = resolved.spec
    // folder:/data/cats → folder-cats: a dataset path never makes nested run folders
    const slug = dataset.replace(/^(\w+):(.*?)[\\/]*$/, (_, f: string, p: string) => `${f}-${p.split(/[\\/]/).pop()}`)
    const out = Option.getOrElse(o.out, () => join(Option.getOrElse(o.dirResults, () => "runs"), `${slug}-${strategy}-seed${seed}`))
    const { runResolved } = yield* Effect.promise(() => import("../run/experiment.js"))
    const { stop, rounds } = yield* runResolved(resolved, { out, reporter: tracker.reporter }).pipe(Effect.onInterrupt(() => tracker.interrupted(out)))
    yield* printSummary(rounds, stopLine(stop), out)
  }).pipe(
    Effect.provide(Layer.mergeAll(backendLayer(o), Progress.terminal()))
  )
).pipe(Command.withDescription("Run active learning on a dataset and write the run directory; --resume DIR continues an interrupted run."))
