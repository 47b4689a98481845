import { spawn } from "node:child_process"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import { writeFileAtomic } from "../runtime/atomic-write.js"
import { gridFile, gridPath, type GridResources, type ResolvedGrid } from "../run/grid-file.js"
import { GridError } from "./runner.js"

/** What the sbatch script of a grid needs besides the grid. */
export interface SlurmJob {
  /** Absolute paths: the grid spec, the grid's directory, the directory to run in, node, deal's bin. */
  readonly spec: string
  readonly out: string
  readonly cwd: string
  readonly node: string
  readonly deal: string
  /** The flags that resolved the grid (`--profile`, `--seeds`, `--strategies`, `--backend`), given to every task as they were. */
  readonly flags: ReadonlyArray<string>
  /** At most this many tasks at once (the array's `%`). */
  readonly throttle?: number
  /** More sbatch options, each a `#SBATCH` line (`--partition=cpu`, `--time=02:00:00`, `--mem=4G`…). */
  readonly sbatchArgs: ReadonlyArray<string>
}

/** A word as a POSIX shell reads it back: bare when safe, else in single quotes. */
export const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)

/** The sbatch options of a grid's resources that `given` (the command line's) does not set itself. */
export const resourceArgs = (resources: GridResources, given: ReadonlyArray<string>): Array<string> => {
  const sets = (...options: Array<string>) => given.some((a) => options.some((o) => a === o || a.startsWith(`${o}=`) || (o.length === 2 && a.startsWith(o))))
  return [
    ...(resources.cpus !== undefined && !sets("--cpus-per-task", "-c") ? [`--cpus-per-task=${resources.cpus}`] : []),
    ...(resources.memory !== undefined && !sets("--mem", "--mem-per-cpu") ? [`--mem=${resources.memory}`] : []),
    ...(resources.time !== undefined && !sets("--time", "-t") ? [`--time=${resources.time}`] : [])
  ]
}

/**
 * The sbatch script of a grid: one array task per cell (strategy × seed), each running
 * `deal experiment SPEC --out OUT --cell $SLURM_ARRAY_TASK_ID` with the grid's flags, so a task
 * requeued after preemption or a node failure resumes its cell from its last complete round.
 * `--requeue` lets SLURM requeue it; SIGTERM comes 60 s before the time limit (`--signal`), which
 * deal answers by finishing its writes and stopping; logs go to `OUT/slurm/`. The grid's
 * resources become `--cpus-per-task`, `--mem` and `--time`, unless `--slurm_args` sets them.
 */
export const slurmScript = (grid: ResolvedGrid, job: SlurmJob): string => {
  const last = grid.runs.length - 1
  const array = `0-${last}${job.throttle === undefined ? "" : `%${job.throttle}`}`
  const command = [job.node, job.deal, "experiment", job.spec, "--out", job.out, "--cell", '"$SLURM_ARRAY_TASK_ID"', ...job.flags]
  return [
    "#!/bin/bash",
    `# deal experiment: grid ${grid.name}${grid.profile === null ? "" : ` (profile ${grid.profile})`}, ${grid.runs.length} cells (${grid.strategies.length} strategies × ${grid.seeds.length} seeds)`,
    `# cell i is grid.runs[i] in ${join(job.out, gridFile)}; follow them with: deal experiment status ${job.out}`,
    `#SBATCH --job-name=${shellWord(`deal-${grid.name}`)}`,
    `#SBATCH --array=${array}`,
    `#SBATCH --output=${shellWord(gridPath.slurmLogs(job.out))}`,
    "#SBATCH --requeue",
    "#SBATCH --signal=B:TERM@60",
    ...resourceArgs(grid.resources ?? {}, job.sbatchArgs).map((a) => `#SBATCH ${a}`),
    ...job.sbatchArgs.map((a) => `#SBATCH ${a}`),
    "",
    "set -euo pipefail",
    `cd ${shellWord(job.cwd)}`,
    // the task's cores for wasm's threads: SLURM's allocation where it gives one
    `exec ${command.map((w) => (w.startsWith('"$') ? w : shellWord(w))).join(" ")} --threads "\${SLURM_CPUS_PER_TASK:-1}"`,
    ""
  ].join("\n")
}

/** Writes the script to `gridPath.slurmScript(OUT)` and returns its path. */
export const writeSlurmScript = (grid: ResolvedGrid, job: SlurmJob) => {
  const file = gridPath.slurmScript(job.out)
  return Effect.as(writeFileAtomic(file, slurmScript(grid, job)), file)
}

/** `sbatch --parsable SCRIPT`: the array's job id, or a one-line error (no sbatch, or its refusal). */
export const submitSlurm = (script: string) =>
  Effect.async<string, GridError>((resume) => {
    const child = spawn("sbatch", ["--parsable", script], { stdio: ["ignore", "pipe", "pipe"] })
    let [stdout, stderr] = ["", ""]
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()))
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()))
    child.on("error", (e) => resume(Effect.fail(new GridError({ message: `cannot run sbatch (${e.message}): is SLURM installed here? --dry_run writes the script without submitting it` }))))
    child.on("close", (code) =>
      resume(
        code === 0
          ? Effect.succeed(stdout.trim().split(";")[0])
          : Effect.fail(new GridError({ message: `sbatch refused ${script}: ${stderr.trim().split("\n").at(-1) ?? `exit ${code}`}` }))
      )
    )
  })
