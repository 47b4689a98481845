import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { parseAllDocuments } from "yaml"
import { indexedJobManifest } from "../../src/grid/kubernetes.js"
import { decodeGridSpec, resolveGrid } from "../../src/grid/spec.js"

const spec = {
  name: "Tiny_Grid",
  description: "two strategies, two seeds",
  strategies: ["entropy", "random"],
  seeds: [1, 2],
  base: { dataset: "mnist", model: "mlp", nTrain: 400, nTest: 200, nInitLabeled: 20, nQuery: 20, nRound: 2, epochs: 1 },
  resources: { cpus: 2, memory: "3G", time: "00:20:00" },
  profiles: { quick: { nRound: 1, resources: { cpus: 1 } } }
}
const specText = `${JSON.stringify(spec, null, 2)}\n`

const manifest = (profile?: string, throttle?: number) =>
  Effect.runPromise(
    Effect.map(Effect.flatMap(decodeGridSpec(spec), (g) => resolveGrid(g, profile === undefined ? {} : { profile })), (grid) =>
      indexedJobManifest(grid, { specText, flags: profile === undefined ? [] : ["--profile", profile], image: "registry.example/deal:0.1", claim: "shared-runs", throttle })
    )
  )

/** The manifest's YAML documents as plain objects. */
const documents = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as Record<string, any>)

describe("deal experiment --k8s: an Indexed Job whose pod i runs cell i", () => {
  it("is a ConfigMap holding the spec as written and a Job of one completion per cell, asking for the spec's resources", async () => {
    const [configMap, job] = documents(await manifest(undefined, 3))
    expect(configMap).toMatchObject({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "deal-tiny-grid-spec" } })
    expect(configMap.data["grid-spec.json"]).toBe(specText)
    expect(job).toMatchObject({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "deal-tiny-grid" },
      spec: { completionMode: "Indexed", completions: 4, parallelism: 3, backoffLimitPerIndex: 3 }
    })
    const pod = job.spec.template.spec
    expect(pod.restartPolicy).toBe("Never")
    expect(pod.volumes).toEqual([
      { name: "runs", persistentVolumeClaim: { claimName: "shared-runs" } },
      { name: "spec", configMap: { name: "deal-tiny-grid-spec" } }
    ])
    const [container] = pod.containers
    expect(container.image).toBe("registry.example/deal:0.1")
    expect(container.command).toEqual(["sh", "-c", 'exec deal experiment /etc/deal/grid-spec.json --out /runs/Tiny_Grid --threads 2 --cell "$JOB_COMPLETION_INDEX"'])
    expect(container.resources).toEqual({ requests: { cpu: "2", memory: "3Gi" }, limits: { memory: "3Gi" } })
  })

  it("takes a profile's resources and passes its flag to every pod", async () => {
    const [, job] = documents(await manifest("quick"))
    const [container] = job.spec.template.spec.containers
    expect(job.metadata.name).toBe("deal-tiny-grid-quick")
    expect(job.spec.parallelism).toBe(4)
    expect(container.command[2]).toBe('exec deal experiment /etc/deal/grid-spec.json --out /runs/Tiny_Grid-quick --profile quick --threads 1 --cell "$JOB_COMPLETION_INDEX"')
    expect(container.resources).toEqual({ requests: { cpu: "1" } })
  })

  it("refuses resources a scheduler could not read, in one line", async () => {
    const refusal = (resources: object) => Effect.runPromise(Effect.flip(decodeGridSpec({ ...spec, resources }, "grid.json"))).then((e) => e.message)
    expect(await refusal({ memory: "3GB" })).toContain("a size in K, M, G or T, such as 4G")
    expect(await refusal({ time: "90 minutes" })).toContain("a wall time HH:MM:SS or D-HH:MM:SS, such as 02:00:00")
    expect(await refusal({ cpus: 0 })).toContain("cpus")
  })
})
