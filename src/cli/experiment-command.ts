import { Args, Command } from "@effect/cli"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { SpecError } from "../run/spec.js"
import { backendFlags } from "./backend-flags.js"
import { booleanFlag, integerFlag, listFlag, textFlag } from "./flags.js"

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

export type ExperimentFlags = Command.Command.ParseConfig<typeof options>

/**
 * `deal experiment SPEC`: every strategy × seed of a grid spec, in worker threads, resumable;
 * or its cells elsewhere (one of --cell, --slurm, --queue, --k8s); `deal experiment status DIR`.
 */
export const experimentCommand = Command.make("experiment", options, (o) =>
  Effect.gen(function* () {
    const [first, second] = o.target
    if (first === "status") {
      if (second === undefined) return yield* new SpecError({ message: "deal experiment status: expected the grid's directory, e.g. deal experiment status runs/gal-2017" })
      return yield* (yield* Effect.promise(() => import("./experiment-modes.js"))).showStatus(second)
    }
    if (second !== undefined) return yield* new SpecError({ message: `deal experiment: one grid spec at a time, got '${first}' and '${second}' (deal experiment status DIR shows a grid)` })
    const modes = [o.cell._tag === "Some" && "--cell", o.slurm && "--slurm", o.queue._tag === "Some" && "--queue", o.k8s && "--k8s"].filter((m) => m !== false)
    if (modes.length > 1) return yield* new SpecError({ message: `give one of --cell, --slurm, --queue and --k8s: got ${modes.join(" and ")}` })
    const mode = yield* Effect.promise(() => import("./experiment-modes.js"))
    const grid = yield* mode.gridOf(o, first)
    if (o.k8s) return yield* mode.printKubernetesJob(o, first, grid)
    if (o.slurm) return yield* mode.submitSlurmArray(o, first, grid)
    if (Option.isSome(o.queue)) return yield* mode.submitToRedis(o, o.queue.value, grid)
    if (Option.isSome(o.cell)) return yield* mode.runOneCell(o, o.cell.value, grid)
    return yield* mode.runHere(o, grid)
  })
).pipe(
  Command.withDescription(
    "Run every strategy × seed of a grid spec (experiments/*.json), each in OUT/<strategy>/seed-<n>/, in worker threads; " +
      "run it again to resume: finished runs are skipped, interrupted ones resumed. " +
      "deal experiment status DIR: each cell of a grid (strategy × seed): not started, running (host, last complete round), stopped, failed (with the error) or finished."
  )
)
