import { realpathSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { resolve } from "node:path"
import { Args, Command } from "@effect/cli"
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
import { parseDecimalInteger } from "../runtime/decimal.js"
import { backendFlags, backendLayer } from "./backend-flags.js"
import { booleanFlag, givenFields, integerFlag, listFlag, textFlag } from "./flags.js"
import { lineLogger } from "./line-logger.js"

export const options = {
  target: Args.text({ name: "SPEC" }).pipe(
    Args.between(1, 2),
    Args.withDescription("a grid spec (JSON): a base experiment, strategies, seeds, profiles (see experiments/*.json); or status DIR: where each cell of the grid in DIR stands")
  ),
  seeds: listFlag("seeds", "seeds to run (default: the spec's, or its profile's)", "1,2,3"),
  strategies: listFlag("strategies", "strategies to run, in this order within each seed (default: the spec's, or its profile's)", "random,bald"),
  parallel: integerFlag("parallel", "runs at a time, each in its own worker thread (default: one per core)", { min: 1 }),
  profile: textFlag("profile", "a named profile of the spec, e.g. quick (fields of the base it replaces)"),
  out: textFlag("out", "the grid's directory (default runs/NAME, or runs/NAME-PROFILE)"),
  ...backendFlags,
  cell: integerFlag(
    "cell",
    "run (or resume) only cell I of the grid, 0-based in seed-major order (strategies within each seed), in this process: one task of a scheduler's array",
    { min: 0 }
  ),
  slurm: booleanFlag("slurm", "write OUT/slurm/array.sbatch, one SLURM array task per cell (each runs --cell $SLURM_ARRAY_TASK_ID), and submit it with sbatch"),
  slurmArgs: textFlag("slurm_args", "with --slurm: more sbatch options, each written as an #SBATCH line, e.g. \"--partition=cpu --cpus-per-task=2 --time=02:00:00\""),
  throttle: integerFlag("throttle", "with --slurm or --k8s: at most this many cells at once (the array's %, the Job's parallelism)", { min: 1 }),
  dryRun: booleanFlag("dry_run", "with --slurm: write and print the script, submit nothing"),
  queue: textFlag(
    "queue",
    "enqueue the cells on this Redis (redis://HOST:PORT) for deal worker processes on any machine, then follow the grid to its end; submitting again enqueues nothing already there"
  ),
  shared: booleanFlag(
    "shared",
    "with --queue: the workers see OUT at the same path (NFS, a cluster file system) and write the runs there; otherwise each finished run comes back through Redis and is written here"
  ),
  detach: booleanFlag("detach", "with --queue: enqueue and return; the same command again follows the grid (and collects the runs that finished meanwhile)"),
  k8s: booleanFlag("k8s", "print a Kubernetes Indexed Job (and a ConfigMap holding SPEC) whose pod i runs --cell i on a shared claim; apply it with kubectl apply -f"),
  k8sImage: textFlag("k8s_image", "with --k8s: an image with Node 20 and deal installed", { default: "deal:latest" }),
  k8sClaim: textFlag("k8s_claim", "with --k8s: the ReadWriteMany PersistentVolumeClaim the runs go to, mounted at /runs", { default: "deal-runs" }),
  attempts: integerFlag("attempts", "with --queue: tries per cell before it counts as failed, with backoff from 10 s", { min: 1, default: 3 })
}

type ExperimentFlags = Command.Command.ParseConfig<typeof options>

const parseSeeds = (items: ReadonlyArray<string>) => {
  const seeds = items.map((p) => parseDecimalInteger(p) ?? Number.NaN)
  return seeds.every((s) => s < 2 ** 32)
    ? Effect.succeed(seeds)
    : Effect.fail(new SpecError({ message: `--seeds: expected seeds (integers from 0 to 4294967295) separated by commas, e.g. 1,2,3, got '${items.join(",")}'` }))
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

/** The grid the flags name, its directory, and the flags a cell's command repeats. */
const gridOf = (o: ExperimentFlags, specFile: string) =>
  Effect.gen(function* () {
    const grid = yield* readGridSpec(specFile)
    const resolved = yield* resolveGrid(grid, {
      ...givenFields({ profile: o.profile, strategies: o.strategies }),
      seeds: Option.isSome(o.seeds) ? yield* parseSeeds(o.seeds.value) : undefined
    })
    const out = Option.getOrElse(o.out, () => `runs/${grid.name}${resolved.profile === null ? "" : `-${resolved.profile}`}`)
    const repeat = (flag: string, value: Option.Option<string | ReadonlyArray<string>>) => Option.match(value, { onNone: () => [], onSome: (v) => [flag, String(v)] })
    const gridFlags = [...repeat("--profile", o.profile), ...repeat("--seeds", o.seeds), ...repeat("--strategies", o.strategies), ...(o.backend === "auto" ? [] : ["--backend", o.backend])]
    return { resolved, out, gridFlags }
  })

type Grid = Effect.Effect.Success<ReturnType<typeof gridOf>>

/** `--k8s`: a Kubernetes Indexed Job whose pods run the cells. */
const printKubernetesJob = (o: ExperimentFlags, specFile: string, { resolved, gridFlags }: Grid) =>
  Effect.gen(function* () {
    const specText = yield* Effect.tryPromise({ try: () => readFile(specFile, "utf8"), catch: (e) => new DataError({ file: specFile, message: `cannot read: ${(e as Error).message}` }) })
    yield* Console.log(indexedJobManifest(resolved, { specText, flags: gridFlags, image: o.k8sImage, claim: o.k8sClaim, throttle: Option.getOrUndefined(o.throttle) }))
  })

/** `--slurm`: a SLURM array of one task per cell, submitted (or only written, with --dry_run). */
const submitSlurmArray = (o: ExperimentFlags, specFile: string, { resolved, out, gridFlags }: Grid) =>
  Effect.gen(function* () {
    const absolute = resolve(out)
    const job: SlurmJob = {
      spec: resolve(specFile),
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
  })

/** `--queue URL`: the cells enqueued on Redis for deal worker processes, then followed to the end (unless --detach). */
const submitToRedis = (o: ExperimentFlags, queue: string, { resolved, out }: Grid) =>
  Effect.gen(function* () {
    const url = yield* parseQueueUrl(queue)
    const { submitToQueue } = yield* Effect.promise(() => import("../grid/queue-submit.js"))
    const absolute = resolve(out)
    const { followed } = yield* submitToQueue(resolved, {
      url,
      out: absolute,
      shared: o.shared,
      attempts: o.attempts,
      detach: o.detach
    }).pipe(Effect.provide(lineLogger("", "stdout")))
    if (followed === undefined) {
      yield* Console.log(`follow it (and collect its runs) with the same command without --detach, or: deal experiment status ${absolute}`)
      return
    }
    yield* Console.log(`grid ${resolved.name}: ${followed.finished} of ${resolved.runs.length} cells finished, ${followed.failed.length} failed; in ${absolute}`)
    if (followed.failed.length > 0) {
      return yield* new GridError({ message: `${followed.failed.length} cells failed: ${followed.failed.map((f) => `${f.run.dir} (${f.message})`).join("; ")}` })
    }
    yield* Console.log(`next: deal report ${absolute}`)
  })

/** `--cell I`: one cell, in this process (a scheduler's task). */
const runOneCell = (o: ExperimentFlags, cell: number, { resolved, out }: Grid) =>
  Effect.gen(function* () {
    const outcome = yield* runCell(resolved, out, cell, (r) =>
      Effect.runSync(Console.log(`cell ${cell} (${resolved.runs[cell].dir}): round ${r.round}, ${r.labeled} labels, accuracy ${r.accuracy.toFixed(4)}`))
    ).pipe(Effect.provide(Layer.mergeAll(backendLayer(o), Progress.silent)))
    yield* Console.log(`cell ${cell} (${resolved.runs[cell].dir}): ${outcome.status}, ${outcome.rounds} rounds; in ${out}`)
  })

/** Every cell here, in worker threads. */
const runHere = (o: ExperimentFlags, { resolved, out }: Grid) =>
  Effect.gen(function* () {
    const summary = yield* runGrid(resolved, {
      out,
      ...givenFields({ parallel: o.parallel }),
      backend: o.backend,
      threads: Option.getOrUndefined(o.threads)
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

/** `deal experiment status DIR`: where each cell of a grid stands. */
const showStatus = (dir: string) =>
  Effect.gen(function* () {
    const cells = yield* gridStatus(dir)
    const width = Math.max(...cells.map((c) => c.run.dir.length))
    yield* Effect.forEach(cells, ({ run, state }, i) => Console.log(`${String(i).padStart(4)}  ${run.dir.padEnd(width)}  ${describeCell(state)}`), { discard: true })
    const count = (tag: string) => cells.filter((c) => c.state._tag === tag).length
    yield* Console.log(
      `${cells.length} cells: ${count("Finished")} finished, ${count("Running")} running, ${count("Stopped")} stopped, ${count("Failed")} failed, ${count("NotStarted")} not started`
    )
  })

/**
 * `deal experiment SPEC`: every strategy × seed of a grid spec, in worker threads, resumable;
 * or its cells elsewhere (one of --cell, --slurm, --queue, --k8s); `deal experiment status DIR`.
 */
export const experimentCommand = Command.make("experiment", options, (o) =>
  Effect.gen(function* () {
    const [first, second] = o.target
    if (first === "status") {
      if (second === undefined) return yield* new SpecError({ message: "deal experiment status: expected the grid's directory, e.g. deal experiment status runs/gal-2017" })
      return yield* showStatus(second)
    }
    if (second !== undefined) return yield* new SpecError({ message: `deal experiment: one grid spec at a time, got '${first}' and '${second}' (deal experiment status DIR shows a grid)` })
    const modes = [o.cell._tag === "Some" && "--cell", o.slurm && "--slurm", o.queue._tag === "Some" && "--queue", o.k8s && "--k8s"].filter((m) => m !== false)
    if (modes.length > 1) return yield* new SpecError({ message: `give one of --cell, --slurm, --queue and --k8s: got ${modes.join(" and ")}` })
    const grid = yield* gridOf(o, first)
    if (o.k8s) return yield* printKubernetesJob(o, first, grid)
    if (o.slurm) return yield* submitSlurmArray(o, first, grid)
    if (Option.isSome(o.queue)) return yield* submitToRedis(o, o.queue.value, grid)
    if (Option.isSome(o.cell)) return yield* runOneCell(o, o.cell.value, grid)
    return yield* runHere(o, grid)
  })
).pipe(
  Command.withDescription(
    "Run every strategy × seed of a grid spec (experiments/*.json), each in OUT/<strategy>/seed-<n>/, in worker threads; " +
      "run it again to resume: finished runs are skipped, interrupted ones resumed. " +
      "deal experiment status DIR: each cell of a grid (strategy × seed): not started, running (host, last complete round), stopped, failed (with the error) or finished."
  )
)
