import { realpathSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { resolve } from "node:path"
import { Args, Command, Options } from "@effect/cli"
import { Console, Effect, Layer, Option } from "effect"
import { runCell } from "../grid/cell.js"
import { describeCell, gridStatus } from "../grid/status.js"
import { Progress } from "../runtime/progress.js"
import { GridError, recordGrid, runGrid } from "../grid/runner.js"
import { type SlurmJob, slurmScript, submitSlurm, writeSlurmScript } from "../grid/slurm.js"
import { GridProgress } from "../grid/progress.js"
import { indexedJobManifest } from "../grid/kubernetes.js"
import { parseQueueUrl } from "../grid/queue.js"
import { readGridSpec, resolveGrid } from "../grid/spec.js"
import { type GridRun, gridPath } from "../run/grid-file.js"
import { runProgress } from "../run/run-files.js"
import { SpecError } from "../run/spec.js"
import { DataError } from "../data/errors.js"
import type { BackendPreference } from "../runtime/backend.js"
import { Backend, backendPreferences } from "../runtime/backend.js"
import { parseDecimalInteger } from "../runtime/decimal.js"
import { choiceFlag, integerFlag, textFlag } from "./flags.js"

const options = {
  spec: Args.file({ name: "SPEC", exists: "yes" }).pipe(
    Args.withDescription("a grid spec (JSON): a base experiment, strategies, seeds, profiles; see experiments/*.json")
  ),
  seeds: textFlag("seeds", "seeds to run, comma-separated, e.g. 1,2,3 (default: the spec's, or its profile's)"),
  strategies: textFlag(
    "strategies",
    "strategies to run, comma-separated, in this order within each seed, e.g. random,bald (default: the spec's, or its profile's)"
  ),
  parallel: integerFlag("parallel", "runs at a time, each in its own worker thread (default: one per core)", { min: 1 }),
  profile: textFlag("profile", "a named profile of the spec, e.g. quick (fields of the base it replaces)"),
  out: textFlag("out", "the grid's directory (default runs/NAME, or runs/NAME-PROFILE)"),
  backend: choiceFlag("backend", "tfjs backend of every worker", backendPreferences, "auto"),
  threads: integerFlag("threads", "cores to divide between the workers' wasm backends (default: all of this machine's)", { min: 1 }),
  cell: integerFlag(
    "cell",
    "run (or resume) only cell I of the grid, 0-based in seed-major order (strategies within each seed), in this process: one task of a scheduler's array",
    { min: 0 }
  ),
  slurm: Options.boolean("slurm").pipe(
    Options.withDescription("write OUT/slurm/array.sbatch, one SLURM array task per cell (each runs --cell $SLURM_ARRAY_TASK_ID), and submit it with sbatch")
  ),
  slurmArgs: textFlag("slurm_args", "with --slurm: more sbatch options, each written as an #SBATCH line, e.g. \"--partition=cpu --cpus-per-task=2 --time=02:00:00\""),
  throttle: integerFlag("throttle", "with --slurm or --k8s: at most this many cells at once (the array's %, the Job's parallelism)", { min: 1 }),
  dryRun: Options.boolean("dry_run").pipe(Options.withAlias("dry-run"), Options.withDescription("with --slurm: write and print the script, submit nothing")),
  queue: textFlag(
    "queue",
    "enqueue the cells on this Redis (redis://HOST:PORT) for deal worker processes on any machine, then follow the grid to its end; submitting again enqueues nothing already there"
  ),
  shared: Options.boolean("shared").pipe(
    Options.withDescription("with --queue: the workers see OUT at the same path (NFS, a cluster file system) and write the runs there; otherwise each finished run comes back through Redis and is written here")
  ),
  detach: Options.boolean("detach").pipe(
    Options.withDescription("with --queue: enqueue and return; the same command again follows the grid (and collects the runs that finished meanwhile)")
  ),
  k8s: Options.boolean("k8s").pipe(
    Options.withDescription("print a Kubernetes Indexed Job (and a ConfigMap holding SPEC) whose pod i runs --cell i on a shared claim; apply it with kubectl apply -f")
  ),
  k8sImage: textFlag("k8s_image", "with --k8s: an image with Node 20 and deal installed (default deal:latest)"),
  k8sClaim: textFlag("k8s_claim", "with --k8s: the ReadWriteMany PersistentVolumeClaim the runs go to, mounted at /runs (default deal-runs)"),
  attempts: integerFlag("attempts", "with --queue: tries per cell before it counts as failed, with backoff from 10 s", { min: 1, default: 3 })
}

/** The non-empty items of a comma-separated flag value. */
const commaList = (text: string) => text.split(",").map((s) => s.trim()).filter((s) => s !== "")

const parseSeeds = (text: string) => {
  const parts = commaList(text)
  const seeds = parts.map((p) => parseDecimalInteger(p) ?? Number.NaN)
  return parts.length > 0 && seeds.every((s) => s < 2 ** 32)
    ? Effect.succeed(seeds)
    : Effect.fail(new SpecError({ message: `--seeds: expected seeds (integers from 0 to 4294967295) separated by commas, e.g. 1,2,3, got '${text}'` }))
}

/** After Ctrl-C or SIGTERM: which runs are left unfinished, and how to go on. */
const interrupted = (runs: ReadonlyArray<GridRun>, out: string) =>
  Effect.gen(function* () {
    const left = yield* Effect.filter(runs, (r) => Effect.map(runProgress(gridPath.run(out, r)), (p) => p._tag !== "Finished"))
    const where = (r: GridRun) => Effect.map(runProgress(gridPath.run(out, r)), (p) => `${r.dir} (${p._tag === "Unfinished" ? `round ${p.round} done` : "not started"})`)
    const listed = yield* Effect.forEach(left, where)
    yield* Console.error(
      `deal: interrupted; ${left.length} of ${runs.length} runs unfinished${listed.length ? `: ${listed.join(", ")}` : ""}; run the same deal experiment command again to resume them`
    )
  })

const parseStrategies = (text: string) => {
  const strategies = commaList(text)
  return strategies.length > 0
    ? Effect.succeed(strategies)
    : Effect.fail(new SpecError({ message: `--strategies: expected names separated by commas, e.g. random,bald, got '${text}'` }))
}

/** `deal experiment SPEC`: every strategy × seed of a grid spec, in worker threads, resumable. */
export const experimentCommand = Command.make("experiment", options, (o) =>
  Effect.gen(function* () {
    const grid = yield* readGridSpec(o.spec)
    const seeds = Option.isSome(o.seeds) ? yield* parseSeeds(o.seeds.value) : undefined
    const strategies = Option.isSome(o.strategies) ? yield* parseStrategies(o.strategies.value) : undefined
    const resolved = yield* resolveGrid(grid, {
      ...Option.match(o.profile, { onNone: () => ({}), onSome: (profile) => ({ profile }) }),
      seeds,
      strategies
    })
    const out = Option.getOrElse(o.out, () => `runs/${grid.name}${resolved.profile === null ? "" : `-${resolved.profile}`}`)
    const backend = Option.getOrElse(o.backend, () => "auto") as BackendPreference
    const threads = Option.getOrUndefined(o.threads)
    const given = (flag: string, value: Option.Option<string>) => (Option.isSome(value) ? [flag, value.value] : [])
    const gridFlags = [...given("--profile", o.profile), ...given("--seeds", o.seeds), ...given("--strategies", o.strategies), ...given("--backend", o.backend)]
    if (o.k8s) {
      const specText = yield* Effect.tryPromise({ try: () => readFile(o.spec, "utf8"), catch: (e) => new DataError({ file: o.spec, message: `cannot read: ${(e as Error).message}` }) })
      yield* Console.log(
        indexedJobManifest(resolved, {
          specText,
          flags: gridFlags,
          image: Option.getOrElse(o.k8sImage, () => "deal:latest"),
          claim: Option.getOrElse(o.k8sClaim, () => "deal-runs"),
          throttle: Option.getOrUndefined(o.throttle)
        })
      )
      return
    }
    if (o.slurm) {
      const absolute = resolve(out)
      const job: SlurmJob = {
        spec: resolve(o.spec),
        out: absolute,
        cwd: process.cwd(),
        node: process.execPath,
        deal: realpathSync(process.argv[1]),
        flags: gridFlags,
        throttle: Option.getOrUndefined(o.throttle),
        sbatchArgs: Option.match(o.slurmArgs, { onNone: () => [], onSome: (text) => text.split(/\s+/).filter((a) => a !== "") })
      }
      yield* recordGrid(resolved, absolute)
      const script = yield* writeSlurmScript(resolved, job)
      if (o.dryRun) {
        yield* Console.log(slurmScript(resolved, job))
        yield* Console.log(`# wrote ${script} (${resolved.runs.length} cells); submit it with: sbatch ${script}`)
        return
      }
      const id = yield* submitSlurm(script)
      yield* Console.log(`submitted SLURM array job ${id}: ${resolved.runs.length} cells of grid ${resolved.name}; follow them with: deal experiment status ${absolute}`)
      return
    }
    if (Option.isSome(o.queue)) {
      const url = yield* parseQueueUrl(o.queue.value)
      const { submitToQueue } = yield* Effect.promise(() => import("../grid/queue-submit.js"))
      const absolute = resolve(out)
      const { followed } = yield* submitToQueue(resolved, {
        url,
        out: absolute,
        shared: o.shared,
        attempts: Option.getOrElse(o.attempts, () => 3),
        detach: o.detach,
        log: (line) => Effect.runSync(Console.log(line))
      })
      if (followed === undefined) {
        yield* Console.log(`follow it (and collect its runs) with the same command without --detach, or: deal experiment status ${absolute}`)
        return
      }
      yield* Console.log(`grid ${resolved.name}: ${followed.finished} of ${resolved.runs.length} cells finished, ${followed.failed.length} failed; in ${absolute}`)
      if (followed.failed.length > 0) {
        return yield* new GridError({ message: `${followed.failed.length} cells failed: ${followed.failed.map((f) => `${f.run.dir} (${f.message})`).join("; ")}` })
      }
      yield* Console.log(`next: deal report ${absolute}`)
      return
    }
    if (Option.isSome(o.cell)) {
      const cell = o.cell.value
      const outcome = yield* runCell(resolved, out, cell, (r) =>
        Effect.runSync(Console.log(`cell ${cell} (${resolved.runs[cell].dir}): round ${r.round}, ${r.labeled} labels, accuracy ${r.accuracy.toFixed(4)}`))
      ).pipe(
        Effect.provide(Layer.mergeAll(Backend.layer(backend, threads === undefined ? {} : { threads }), Progress.silent))
      )
      yield* Console.log(`cell ${cell} (${resolved.runs[cell].dir}): ${outcome.status}, ${outcome.rounds} rounds; in ${out}`)
      return
    }
    const summary = yield* runGrid(resolved, {
      out,
      ...Option.match(o.parallel, { onNone: () => ({}), onSome: (parallel) => ({ parallel }) }),
      backend,
      threads
    }).pipe(Effect.provide(GridProgress.stream()), Effect.onInterrupt(() => interrupted(resolved.runs, out)))
    const failed = summary.runs.filter((r) => !r.ok)
    const counts = (status: string) => summary.runs.filter((r) => r.ok && r.outcome.status === status).length
    yield* Console.log(
      `grid ${resolved.name}: ${counts("ran")} ran, ${counts("resumed")} resumed, ${counts("skipped")} already finished, ${failed.length} failed; in ${out}`
    )
    if (failed.length > 0) {
      return yield* new GridError({
        message: `${failed.length} of ${summary.runs.length} runs failed: ${failed.map((r) => `${r.run.dir} (${r.ok ? "" : r.message})`).join("; ")}`
      })
    }
    yield* Console.log(`next: deal report ${out}`)
  })
).pipe(
  Command.withDescription(
    "Run every strategy × seed of a grid spec (experiments/*.json), each in OUT/<strategy>/seed-<n>/, in worker threads; " +
      "run it again to resume: finished runs are skipped, interrupted ones resumed."
  )
)

/** `deal experiment status DIR` (main.ts hands it here as `experiment-status`): where each cell of a grid stands. */
export const experimentStatusCommand = Command.make(
  "experiment-status",
  { dir: Args.directory({ name: "DIR", exists: "yes" }).pipe(Args.withDescription("a grid directory written by deal experiment")) },
  (o) =>
    Effect.gen(function* () {
      const cells = yield* gridStatus(o.dir)
      const width = Math.max(...cells.map((c) => c.run.dir.length))
      yield* Effect.forEach(cells, ({ run, state }, i) => Console.log(`${String(i).padStart(4)}  ${run.dir.padEnd(width)}  ${describeCell(state)}`), { discard: true })
      const count = (tag: string) => cells.filter((c) => c.state._tag === tag).length
      yield* Console.log(
        `${cells.length} cells: ${count("Finished")} finished, ${count("Running")} running, ${count("Stopped")} stopped, ${count("Failed")} failed, ${count("NotStarted")} not started`
      )
    })
).pipe(
  Command.withDescription(
    "deal experiment status DIR: each cell of a grid (strategy × seed): not started, running (host, last complete round), stopped, failed (with the error) or finished"
  )
)
