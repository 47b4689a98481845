import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { readLabelsLog } from "../../src/run/labels-log.js"

const bin = fileURLToPath(new URL("../../bin/deal.js", import.meta.url))
/** Server kills in the durability test (each restart costs a Node start, about 2 s); `DEAL_TEST_KILLS` for more. */
const KILLS = Number(process.env.DEAL_TEST_KILLS ?? 5)

/** `n` short emails, even ones about work ("ham"), odd ones selling something ("spam"). */
const mail = (n = 120) => {
  const dir = mkdtempSync(join(tmpdir(), "deal-label-"))
  const words = [["meeting", "notes", "monday", "project", "report", "lunch"], ["cheap", "pills", "buy", "winner", "prize", "offer"]]
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ id: `m${i}`, text: Array.from({ length: 8 }, (_, k) => words[i % 2][(i * 7 + k * 3) % 6]).join(" ") }))
  writeFileSync(join(dir, "mail.jsonl"), lines.join("\n") + "\n")
  return dir
}

const children: Array<ChildProcess> = []
afterAll(() => children.forEach((c) => c.exitCode === null && c.signalCode === null && c.kill("SIGKILL")))

/** `deal label ARGS` until it prints its URL. */
const serve = async (args: ReadonlyArray<string>) => {
  const child = spawn("node", [bin, "label", ...args, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] })
  children.push(child)
  let out = ""
  child.stdout!.on("data", (b: Buffer) => void (out += b.toString()))
  child.stderr!.on("data", (b: Buffer) => void (out += b.toString()))
  for (let waited = 0; !/http:\/\/\S+/.test(out); waited += 50) {
    if (waited > 90_000 || child.exitCode !== null) throw new Error(`deal label did not start: ${out}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return { child, url: /http:\/\/\S+/.exec(out)![0], output: () => out }
}

const post = (url: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(new URL(path, url), { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) })

/** An item as /api/next gives it. */
interface Item {
  readonly index: number
  readonly id: string
  readonly version: number
  readonly text?: string
}
/** GET `path` as JSON. */
const get = <A>(url: string, path: string, headers: Record<string, string> = {}): Promise<A> => fetch(new URL(path, url), { headers }).then((r) => r.json() as Promise<A>)
const nextItems = (url: string, n: number, headers: Record<string, string> = {}) => get<{ items: Array<Item> }>(url, `/api/next?n=${n}`, headers).then((r) => r.items)
const version = (url: string, headers: Record<string, string>) => get<{ status: { version: number } }>(url, "/api/state", headers).then((r) => r.status.version)

/** `deal ARGS` to its end: its exit code and output. */
const deal = (args: ReadonlyArray<string>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn("node", [bin, ...args], { stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (b: Buffer) => void (stdout += b.toString()))
    child.stderr.on("data", (b: Buffer) => void (stderr += b.toString()))
    child.on("exit", (code) => done({ code, stdout, stderr }))
  })

const truth = (id: string) => (Number(id.slice(1)) % 2 === 0 ? "ham" : "spam")

describe("deal label: the labelling server", () => {
  it("answers the API, refuses bad requests with a 4xx and one line, and asks for a token when given one", async () => {
    const dir = mail()
    const out = join(dir, "run")
    const { child, url } = await serve(["--dataset_name", `jsonl:${join(dir, "mail.jsonl")}`, "--text", "text", "--classes", "ham,spam", "--model", "logreg", "--lr", "0.05", "--retrain_every", "4", "--out", out, "--token", "s3cret"])
    const auth = { authorization: "Bearer s3cret" }
    expect(url).toMatch(/\?token=s3cret$/)
    expect((await fetch(new URL("/api/state", url))).status).toBe(401)
    const state = await (await fetch(new URL("/api/state?token=s3cret", url))).json()
    expect(state).toMatchObject({ classes: ["ham", "spam"], kind: "text", status: { labeled: 0, version: 0 } })
    const items = await nextItems(url, 8, auth)
    expect(items).toHaveLength(8)
    expect(items[0].text).toMatch(/^[a-z ]+$/)
    for (const [i, item] of items.entries()) {
      const res = await post(url, "/api/answer", { request: `q${i}`, item: item.id, label: truth(item.id), annotator: "ana" }, auth)
      expect(await res.json()).toEqual({ saved: i + 1 })
    }
    // the same request again is recorded once
    expect(await (await post(url, "/api/answer", { request: "q0", item: items[0].id, label: "spam" }, auth)).json()).toEqual({ saved: 1 })
    const refusals: Array<[unknown, string]> = [
      [{ request: "r1", item: "m999", label: "ham" }, 'item: no item "m999" in this dataset'],
      [{ request: "r2", item: "m1", label: "eggs" }, "label: 'eggs' is not a class: expected one of ham, spam"],
      [{ request: "r3", item: "m1", label: "ham", skip: true }, "expected exactly one of label, skip and unsure"],
      [{ request: "r4", item: "m1" }, "expected exactly one of label, skip and unsure"]
    ]
    for (const [body, reason] of refusals) {
      const res = await post(url, "/api/answer", body, auth)
      expect(`${res.status} ${await res.text()}`).toBe(`400 ${reason}`)
    }
    expect((await fetch(new URL("/api/item/3", url), { headers: auth })).status).toBe(404)
    expect((await fetch(new URL("/../../etc/passwd", url), { headers: auth })).status).toBe(404)
    const undone = await (await post(url, "/api/undo", { request: "u1", annotator: "ana" }, auth)).json()
    expect(undone).toEqual({ undone: 8 })
    // an answer in its place: 8 labels again
    const [another] = await nextItems(url, 1, auth)
    expect((await post(url, "/api/answer", { request: "q9", item: another.id, label: truth(another.id), annotator: "ana" }, auth)).status).toBe(200)
    // two retrainings (4 and 8 labels), then the next items come from the newest model
    for (let waited = 0; (await version(url, auth)) < 2; waited += 100) {
      if (waited > 90_000) throw new Error("no second model")
      await new Promise((r) => setTimeout(r, 100))
    }
    expect((await nextItems(url, 3, auth)).every((q) => q.version >= 1)).toBe(true)
    child.kill("SIGTERM")
    await new Promise((r) => child.once("exit", r))
    const csv = await deal(["label", "export", out])
    // 9 answers, one undone: 8 rows and the header
    expect(csv.stdout.trim().split("\n")).toHaveLength(9)
    // the run directory is an ordinary run: each model a round, read by deal stop-analysis and deal report
    const analysis = await deal(["stop-analysis", out])
    expect(analysis.code).toBe(0)
    expect(readFileSync(join(out, "stopping.csv"), "utf8")).toMatch(/^criterion,/)
    const report = await deal(["report", out])
    expect(report.code).toBe(0)
    expect(readFileSync(join(out, "report", "summary.md"), "utf8")).toMatch(/entropy/)
    // a new run is not started over an old one
    const again = await deal(["label", "--dataset_name", `jsonl:${join(dir, "mail.jsonl")}`, "--text", "text", "--classes", "ham,spam", "--out", out, "--port", "0"])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(`holds a run already: go on with deal label --resume ${out}`)
  })

  it("learns on a backbone's embeddings (--backbone word-vectors --model linear), trained in its worker thread", async () => {
    const dir = mail()
    const out = join(dir, "run")
    const { child, url } = await serve(["--dataset_name", `jsonl:${join(dir, "mail.jsonl")}`, "--text", "text", "--classes", "ham,spam", "--backbone", "word-vectors", "--model", "linear", "--lr", "0.1", "--retrain_every", "4", "--out", out])
    for (let i = 0; i < 8; ) {
      for (const item of await nextItems(url, 4)) await post(url, "/api/answer", { request: `b${i++}`, item: item.id, label: truth(item.id) })
    }
    for (let waited = 0; (await version(url, {})) < 2; waited += 100) {
      if (waited > 90_000) throw new Error("no second model")
      await new Promise((r) => setTimeout(r, 100))
    }
    const items = await nextItems(url, 10)
    child.kill("SIGTERM")
    expect(items.every((q) => q.version >= 1)).toBe(true)
    // the items keep their text to show; the run records the backbone
    expect(items[0].text).toMatch(/^[a-z ]+$/)
    expect(JSON.parse(readFileSync(join(out, "spec.json"), "utf8"))).toMatchObject({ backbone: "word-vectors", model: "linear" })
  }, 60_000)

  it("takes two annotators at once: nothing lost or doubled, conflicting answers both kept, the label by the rule, and nobody waits for a model", async () => {
    const dir = mail(600)
    const out = join(dir, "run")
    const { child, url } = await serve(["--dataset_name", `jsonl:${join(dir, "mail.jsonl")}`, "--text", "text", "--classes", "ham,spam", "--model", "logreg", "--lr", "0.05", "--retrain_every", "5", "--out", out])
    const acknowledged: Array<string> = []
    let emptyNexts = 0
    // a person: takes 5 items, answers each (truthfully) after a short look, each answer sent
    // twice at once (a retry racing its original), until they have answered `n`
    const annotator = async (name: string, n: number) => {
      for (let done = 0; done < n; ) {
        const items = await nextItems(url, 5)
        if (items.length === 0) emptyNexts++
        for (const item of items) {
          await new Promise((r) => setTimeout(r, 40))
          const body = { request: `${name}-${done++}`, item: item.id, label: truth(item.id), annotator: name }
          const [a, b] = await Promise.all([post(url, "/api/answer", body), post(url, "/api/answer", body)])
          const [sa, sb] = (await Promise.all([a.json(), b.json()])) as Array<{ saved: number }>
          expect(sa.saved).toBe(sb.saved)
          acknowledged.push(body.request)
        }
      }
    }
    await Promise.all([annotator("ana", 40), annotator("ben", 40)])
    // a conflict on one item: ana says ham, ben spam at the same moment; then cleo says ham
    const [item] = await nextItems(url, 1)
    await Promise.all([
      post(url, "/api/answer", { request: "c-ana", item: item.id, label: "ham", annotator: "ana" }),
      post(url, "/api/answer", { request: "c-ben", item: item.id, label: "spam", annotator: "ben" })
    ])
    const tie = await deal(["label", "export", out])
    const rows = (csv: string) => csv.trim().split("\n").slice(1).map((l) => l.split(",")).filter((r) => r[0] === item.id)
    const atTie = rows(tie.stdout)
    expect(atTie.map((r) => r[1]).sort()).toEqual(["ham", "spam"])
    // a tie goes to the later answer
    const { entries } = await Effect.runPromise(readLabelsLog(join(out, "labels.jsonl")))
    const later = entries.filter((e) => "item" in e && e.item === item.id).at(-1)!
    expect(atTie.every((r) => r[5] === ("answer" in later && "label" in later.answer ? later.answer.label : ""))).toBe(true)
    await post(url, "/api/answer", { request: "c-cleo", item: item.id, label: "ham", annotator: "cleo" })
    expect(rows((await deal(["label", "export", out])).stdout).map((r) => r[5])).toEqual(["ham", "ham", "ham"])
    // every model due has trained (how many labels each took depends on the machine's speed)
    const state = () => get<{ status: { waits: number; version: number; answers: number; training: boolean } }>(url, "/api/state")
    for (let waited = 0; (await state()).status.training; waited += 100) {
      if (waited > 90_000) throw new Error("the models never caught up with the labels")
      await new Promise((r) => setTimeout(r, 100))
    }
    const status = await state()
    child.kill("SIGTERM")
    // every acknowledged answer on disk once, none more
    const after = (await Effect.runPromise(readLabelsLog(join(out, "labels.jsonl")))).entries
    expect(after.map((e) => e.request).sort()).toEqual([...acknowledged, "c-ana", "c-ben", "c-cleo"].sort())
    expect(status.status.answers).toBe(83)
    // people asked for items 16 times or more while models retrained: they never found none
    expect(emptyNexts).toBe(0)
    expect(status.status.waits).toBe(0)
    expect(status.status.version).toBeGreaterThanOrEqual(2)
  }, 120_000)

  it(`loses no acknowledged answer across ${KILLS} SIGKILLs of the server, each restarted with --resume`, async () => {
    // enough emails that answering never runs out between kills
    const dir = mail(2000)
    const out = join(dir, "run")
    let server = await serve(["--dataset_name", `jsonl:${join(dir, "mail.jsonl")}`, "--text", "text", "--classes", "ham,spam", "--model", "logreg", "--lr", "0.05", "--retrain_every", "5", "--out", out])
    const acknowledged: Array<string> = []
    const latencies: Array<number> = []
    let random = 4242
    const next = () => (random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    let n = 0
    for (let kill = 0; kill <= KILLS; kill++) {
      // answer as fast as a script can, until the kill at a random moment
      const until = Date.now() + 300 + next() * 700
      while (Date.now() < until) {
        try {
          const started = performance.now()
          const items = await nextItems(server.url, 1)
          if (items.length === 0) break
          const request = `k${kill}-${n++}`
          const res = await post(server.url, "/api/answer", { request, item: items[0].id, label: truth(items[0].id) })
          if (res.ok) acknowledged.push(request)
          latencies.push(performance.now() - started)
        } catch {
          break
        }
      }
      if (kill === KILLS) break
      server.child.kill("SIGKILL")
      await new Promise((r) => server.child.once("exit", r))
      server = await serve(["--resume", out])
    }
    // on a busy machine no model may have finished between the kills: wait (bounded) for one
    for (let waited = 0; (await version(server.url, {})) < 1; waited += 100) {
      if (waited > 120_000) throw new Error("no model trained within 120 s of the last restart")
      await new Promise((r) => setTimeout(r, 100))
    }
    server.child.kill("SIGTERM")
    await new Promise((r) => server.child.once("exit", r))
    // every model trained before a kill is still a complete round of the run
    expect((await deal(["stop-analysis", out])).code).toBe(0)
    const { entries } = await Effect.runPromise(readLabelsLog(join(out, "labels.jsonl")))
    const found = new Set(entries.map((e) => e.request))
    expect(found.size).toBe(entries.length)
    expect(acknowledged.filter((r) => !found.has(r))).toEqual([])
    expect(acknowledged.length).toBeGreaterThan(KILLS)
    latencies.sort((a, b) => a - b)
    console.log(
      `deal label: ${acknowledged.length} answers acknowledged, ${entries.length} on disk after ${KILLS} SIGKILLs, none lost; answer + next item: median ${latencies[latencies.length >> 1].toFixed(1)} ms, 95th percentile ${latencies[Math.floor(latencies.length * 0.95)].toFixed(1)} ms`
    )
  }, 300_000)
})
