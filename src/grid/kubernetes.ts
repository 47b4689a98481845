import { join } from "node:path"
import { gridFile, type ResolvedGrid } from "../run/grid-file.js"
import { shellWord } from "./slurm.js"

/** What the Indexed Job of a grid needs besides the grid. */
export interface KubernetesJob {
  /** The grid spec file's text (it travels in a ConfigMap) and the flags that resolved the grid. */
  readonly specText: string
  readonly flags: ReadonlyArray<string>
  /** An image with Node 20 and deal installed (`deal` on the PATH). */
  readonly image: string
  /** The PersistentVolumeClaim the runs are written to (ReadWriteMany: every pod writes its cell there). */
  readonly claim: string
  /** At most this many pods at once (the Job's parallelism; default: every cell). */
  readonly throttle?: number
}

/** Where each pod finds the grid spec: the ConfigMap's one key, mounted as a file. */
const specMount = "/etc/deal"
const specKey = "grid-spec.json"

/** A Kubernetes object name (DNS-1123: lower case, digits and '-', at most `max` characters). */
const objectName = (text: string, max = 52) =>
  text.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, max).replace(/-+$/, "") || "grid"

/**
 * YAML for a tree of plain values: scalars written as JSON, which YAML reads as is, but for
 * text of several lines, written as a block (`|`) that reads as the file it came from.
 */
const yaml = (value: unknown, indent = ""): string => {
  const scalar = (v: unknown) =>
    typeof v === "string" && v.includes("\n") && !/^\s/.test(v)
      ? `${v.endsWith("\n") ? "|" : "|-"}\n${v.replace(/\n$/, "").split("\n").map((line) => (line === "" ? "" : `${indent}  ${line}`)).join("\n")}`
      : JSON.stringify(v)
  const isTree = (v: unknown) => typeof v === "object" && v !== null && Object.keys(v).length > 0
  if (Array.isArray(value)) {
    return value.map((item) => (isTree(item) ? `${indent}- ${yaml(item, `${indent}  `).trimStart()}` : `${indent}- ${scalar(item)}`)).join("\n")
  }
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => (isTree(v) ? `${indent}${k}:\n${yaml(v, `${indent}  `)}` : `${indent}${k}: ${scalar(v)}`))
    .join("\n")
}

/** SLURM's `4G` as Kubernetes' `4Gi`. */
const quantity = (memory: string) => `${memory.slice(0, -1)}${memory.at(-1)}i`

/**
 * `deal experiment SPEC --k8s`: a ConfigMap holding the grid spec and an Indexed Job with one
 * completion per cell, whose pod `i` runs `deal experiment SPEC --out /runs/NAME --cell i`
 * (`JOB_COMPLETION_INDEX`) on the claim mounted at `/runs`, so a pod that is evicted and
 * started again resumes its cell from its last complete round. Each index is retried up to
 * three times on its own (`backoffLimitPerIndex`, Kubernetes 1.29 or later); SIGTERM gets 90 s,
 * in which deal finishes the round's writes. The grid's cores and memory become each pod's
 * requests (and its memory limit); its wall time has no per-pod equivalent and is left out.
 */
export const indexedJobManifest = (grid: ResolvedGrid, job: KubernetesJob): string => {
  const dirName = `${grid.name}${grid.profile === null ? "" : `-${grid.profile}`}`
  const name = objectName(`deal-${dirName}`)
  // as deal experiment names it by default (a grid's name is letters, digits, '.', '_' and '-')
  const out = `/runs/${dirName}`
  const { cpus, memory } = grid.resources ?? {}
  const command = ["deal", "experiment", `${specMount}/${specKey}`, "--out", out, ...job.flags, "--threads", String(cpus ?? 1)].map(shellWord).join(" ")
  const resources = {
    requests: { ...(cpus === undefined ? {} : { cpu: String(cpus) }), ...(memory === undefined ? {} : { memory: quantity(memory) }) },
    ...(memory === undefined ? {} : { limits: { memory: quantity(memory) } })
  }
  const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `${name}-spec` }, data: { [specKey]: job.specText } }
  const indexedJob = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, labels: { app: "deal", grid: objectName(grid.name, 63) } },
    spec: {
      completionMode: "Indexed",
      completions: grid.runs.length,
      parallelism: Math.min(job.throttle ?? grid.runs.length, grid.runs.length),
      backoffLimitPerIndex: 3,
      template: {
        metadata: { labels: { app: "deal", grid: objectName(grid.name, 63) } },
        spec: {
          restartPolicy: "Never",
          terminationGracePeriodSeconds: 90,
          containers: [
            {
              name: "cell",
              image: job.image,
              command: ["sh", "-c", `exec ${command} --cell "$JOB_COMPLETION_INDEX"`],
              ...(Object.keys(resources.requests).length === 0 ? {} : { resources }),
              volumeMounts: [
                { name: "runs", mountPath: "/runs" },
                { name: "spec", mountPath: specMount, readOnly: true }
              ]
            }
          ],
          volumes: [
            { name: "runs", persistentVolumeClaim: { claimName: job.claim } },
            { name: "spec", configMap: { name: `${name}-spec` } }
          ]
        }
      }
    }
  }
  return [
    `# deal experiment: grid ${grid.name}${grid.profile === null ? "" : ` (profile ${grid.profile})`}, ${grid.runs.length} cells (${grid.strategies.length} strategies × ${grid.seeds.length} seeds)`,
    `# pod i runs cell i (grid.runs[i] in ${join(out, gridFile)}); results in ${out} on the claim ${job.claim}`,
    "# apply: kubectl apply -f THIS_FILE; follow: kubectl get pods -l app=deal; then copy the grid directory off the claim and run deal report on it",
    yaml(configMap),
    "---",
    yaml(indexedJob),
    ""
  ].join("\n")
}
