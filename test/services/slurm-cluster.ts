import { execFile, execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { availableParallelism, hostname, tmpdir, totalmem } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"

/** A one-node SLURM cluster on this machine, for the tests: its client environment and how to stop it. */
export interface SlurmCluster {
  /** `SLURM_CONF` for sbatch, squeue, scontrol and the tasks. */
  readonly env: Record<string, string>
  readonly stop: () => Promise<void>
  /** The controller's log, for a failing test to show. */
  readonly log: string
}

const has = (binary: string) => {
  try {
    execFileSync("sh", ["-c", `command -v ${binary}`], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/**
 * Starts munged (its own key and socket in a temp dir), slurmctld and slurmd as one controller
 * and one node on this host, from Debian's `munge` and `slurm-wlm` (`.ci/run` installs them),
 * on ports 16817/16818; or says why it cannot (no binaries, not root: the daemons run as root
 * here). Waits until the node is idle.
 */
export const startSlurm = async (): Promise<SlurmCluster | { readonly skip: string }> => {
  const missing = ["munged", "slurmctld", "slurmd", "sbatch", "sinfo", "squeue", "scontrol", "scancel"].filter((b) => !has(b))
  if (missing.length > 0) return { skip: `no ${missing.join(", ")} (Debian's slurm-wlm and munge; .ci/run installs them)` }
  if (process.getuid?.() !== 0) return { skip: "the one-node SLURM cluster runs its daemons as root" }
  const dir = mkdtempSync(join(tmpdir(), "deal-slurm-cluster-"))
  try {
    return await startDaemons(dir)
  } catch (e) {
    stopDaemons(dir)
    return { skip: `the one-node cluster did not start: ${(e as Error).message.split("\n")[0]}` }
  }
}

/** SIGTERM to whichever of the daemons started (by their pid files in `dir`). */
const stopDaemons = (dir: string) => {
  for (const pid of ["slurmd.pid", "slurmctld.pid", "munged.pid"]) {
    try {
      process.kill(Number(readFileSync(join(dir, pid), "utf8").trim()), "SIGTERM")
    } catch {
      // not started, or gone already
    }
  }
}

const startDaemons = async (dir: string): Promise<SlurmCluster | { readonly skip: string }> => {
  const key = join(dir, "munge.key")
  writeFileSync(key, Buffer.from(Array.from({ length: 1024 }, () => Math.floor(Math.random() * 256))), { mode: 0o400 })
  const socket = join(dir, "munge.sock")
  const munged = [`--key-file=${key}`, `--socket=${socket}`, `--pid-file=${join(dir, "munged.pid")}`, `--log-file=${join(dir, "munged.log")}`, `--seed-file=${join(dir, "munged.seed")}`]
  execFileSync("munged", ["--force", ...munged])
  const conf = join(dir, "slurm.conf")
  // slurmd names its node by the short host name; the daemons talk over loopback (no DNS needed)
  const host = hostname().split(".")[0]
  writeFileSync(
    conf,
    [
      "ClusterName=dealtest",
      `SlurmctldHost=${host}(127.0.0.1)`,
      "SlurmctldPort=16817",
      "SlurmdPort=16818",
      "SlurmUser=root",
      "SlurmdUser=root",
      "AuthType=auth/munge",
      `AuthInfo=socket=${socket}`,
      `StateSaveLocation=${join(dir, "state")}`,
      `SlurmdSpoolDir=${join(dir, "spool")}`,
      `SlurmctldPidFile=${join(dir, "slurmctld.pid")}`,
      `SlurmdPidFile=${join(dir, "slurmd.pid")}`,
      `SlurmctldLogFile=${join(dir, "slurmctld.log")}`,
      `SlurmdLogFile=${join(dir, "slurmd.log")}`,
      "ProctrackType=proctrack/linuxproc",
      "TaskPlugin=task/none",
      "SelectType=select/cons_tres",
      "SelectTypeParameters=CR_Core",
      "ReturnToService=2",
      "MpiDefault=none",
      // a requeued task may start again at once
      "MinJobAge=2",
      // a loaded machine may take long to end a killed task: the node is not drained for it
      "UnkillableStepTimeout=300",
      `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${availableParallelism()} RealMemory=${Math.floor((totalmem() / 2 ** 20) * 0.8)} State=UNKNOWN`,
      `PartitionName=test Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      ""
    ].join("\n")
  )
  const env = { SLURM_CONF: conf }
  const withEnv = { env: { ...process.env, ...env } }
  execFileSync("slurmctld", ["-f", conf], withEnv)
  execFileSync("slurmd", ["-f", conf], withEnv)
  const stop = async () => {
    await promisify(execFile)("scancel", ["--user=root"], withEnv).catch(() => undefined)
    stopDaemons(dir)
    await sleep(500)
    rmSync(dir, { recursive: true, force: true })
  }
  for (let waited = 0; waited < 30_000; waited += 500) {
    const state = await promisify(execFile)("sinfo", ["-h", "-o", "%T"], { ...withEnv, encoding: "utf8" }).then((r) => r.stdout.trim(), () => "")
    if (state === "idle") return { env, stop, log: join(dir, "slurmctld.log") }
    await sleep(500)
  }
  await stop()
  return { skip: `slurmd did not come up idle in 30 s (see ${join(dir, "slurmctld.log")})` }
}
