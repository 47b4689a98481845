/**
 * What `deal experiment` does in each of its modes (loaded when the command runs): the grid here
 * in worker threads, one cell (--cell), a SLURM array (--slurm), a Redis queue (--queue), a
 * Kubernetes Job (--k8s), or where each cell of a grid stands (status DIR).
 */
import { realpathSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { resolve } from "node:path"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { DataError } from "../data/errors.js"
import { runCell } from "../grid/cell.js"
import { indexedJobManifest } from "../grid/kubernetes.js"
import { GridProgress } from "../grid/progress.js"
import { parseQueueUrl } from "../grid/queue.js"
import { GridError, recordGrid, runGrid } from "../grid/runner.js"
import { type SlurmJob, slurmScript, submitSlurm, writeSlurmScript } from "../grid/slurm.js"
import { readGridSpec, resolveGrid } from "../grid/spec.js"
import { describeCell, gridStatus } from "../grid/status.js"
import { type GridRun, gridPath } from "../run/grid-file.js"
import { runProgress } from "../run/run-files.js"
import { SpecError } from "../run/spec.js"
import { parseDecimalInteger } from "../runtime/decimal.js"
import { Progress } from "../runtime/progress.js"
import { backendLayer } from "./backend-flags.js"
import type { ExperimentFlags } from "./experiment-command.js"
import { givenFields } from "./flags.js"
import { lineLogger } from "./line-logger.js"

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
export const gridOf = (o: ExperimentFlags, specFile: string) =>
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
export const printKubernetesJob = (o: ExperimentFlags, specFile: string, { resolved, gridFlags }: Grid) =>
  Effect.gen(function* () {
    const specText = yield* Effect.tryPromise({ try: () => readFile(specFile, "utf8"), catch: (e) => new DataError({ file: specFile, message: `cannot read: ${(e as Error).message}` }) })
    yield* Console.log(indexedJobManifest(resolved, { specText, flags: gridFlags, image: o.k8sImage, claim: o.k8sClaim, throttle: Option.getOrUndefined(o.throttle) }))
  })

/** `--slurm`: a SLURM array of one task per cell, submitted (or only written, with --dry_run). */
export const submitSlurmArray = (o: ExperimentFlags, specFile: string, { resolved, out, gridFlags }: Grid) =>
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
export const submitToRedis = (o: ExperimentFlags, queue: string, { resolved, out }: Grid) =>
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
export const runOneCell = (o: ExperimentFlags, cell: number, { resolved, out }: Grid) =>
  Effect.gen(function* () {
    const outcome = yield* runCell(resolved, out, cell, (r) =>
      Effect.runSync(Console.log(`cell ${cell} (${resolved.runs[cell].dir}): round ${r.round}, ${r.labeled} labels, accuracy ${r.accuracy.toFixed(4)}`))
    ).pipe(Effect.provide(Layer.mergeAll(backendLayer(o), Progress.silent)))
    yield* Console.log(`cell ${cell} (${resolved.runs[cell].dir}): ${outcome.status}, ${outcome.rounds} rounds; in ${out}`)
  })

/** Every cell here, in worker threads. */
export const runHere = (o: ExperimentFlags, { resolved, out }: Grid) =>
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
export const showStatus = (dir: string) =>
  Effect.gen(function* () {
    const cells = yield* gridStatus(dir)
    const width = Math.max(...cells.map((c) => c.run.dir.length))
    yield* Effect.forEach(cells, ({ run, state }, i) => Console.log(`${String(i).padStart(4)}  ${run.dir.padEnd(width)}  ${describeCell(state)}`), { discard: true })
    const count = (tag: string) => cells.filter((c) => c.state._tag === tag).length
    yield* Console.log(
      `${cells.length} cells: ${count("Finished")} finished, ${count("Running")} running, ${count("Stopped")} stopped, ${count("Failed")} failed, ${count("NotStarted")} not started`
    )
  })
