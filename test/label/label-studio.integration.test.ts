/**
 * `deal serve --label-studio` against the Label Studio ML backend protocol, replaying the payloads
 * its sources and docs give:
 *
 * - HumanSignal/label-studio-ml-backend (commit d02cedf): `label_studio_ml/api.py` (routes, statuses,
 *   envelopes), `tests/test_api.py` (health, setup, predict, webhook), the examples'
 *   `test_api.py` (`sklearn_text_classifier`, `bert_classifier`: predict; `huggingface_ner`: the
 *   fit webhook), and `timeseries_segmenter/tests` (START_TRAINING webhook);
 * - Label Studio: `label_studio/ml/api_connector.py` (`MLApi.setup`, `_prep_prediction_req`,
 *   `train`: the bodies Label Studio sends), `docs/source/guide/webhook_reference.md` (the
 *   ANNOTATION_CREATED and TASKS_CREATED payloads), and the task format of
 *   `docs/source/guide/task_format.md` (tasks as the export API lists them).
 *
 * A fake Label Studio (node:http on 127.0.0.1) serves the export API the webhook reads.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Either } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type ExportedTask, type LabelConfig, parseLabelConfig, taskLabel, taskMatcher, trainingLabels, urlPaths } from "../../src/label/label-studio.js"
import { poolRanks } from "../../src/label/label-studio-model.js"

const bin = fileURLToPath(new URL("../../bin/deal.js", import.meta.url))

// ---------------------------------------------------------------------------------------------
// The pure parts

/** The labelling config of `bert_classifier/test_api.py`, with deal's classes for its choices. */
const bertConfig = '<View><Text name="text" value="$text" /><Choices name="topic" toName="text" choice="single"><Choice value="ham" /><Choice value="spam" /></Choices></View>'

/** The labelling config of `sklearn_text_classifier/test_api.py`, verbatim. */
const sklearnConfig = `
        <View>
  <Text name="text" value="$text"/>
  <View style="box-shadow: 2px 2px 5px #999;
               padding: 20px; margin-top: 2em;
               border-radius: 5px;">
    <Header value="Choose text sentiment"/>
    <Choices name="sentiment" toName="text"
             choice="single" showInLine="true">
      <Choice value="Positive"/>
      <Choice value="Negative"/>
      <Choice value="Neutral"/>
    </Choices>
  </View>
</View>
        `

const parsed = (xml: string): LabelConfig => Either.getOrThrow(parseLabelConfig(xml))

describe("the Label Studio protocol, pure", () => {
  it("reads the <Choices> control, its classes and the object it labels from a labelling config", () => {
    expect(parsed(sklearnConfig)).toEqual({ fromName: "sentiment", toName: "text", objectTag: "Text", dataKey: "text", choices: ["Positive", "Negative", "Neutral"] })
    expect(parsed(bertConfig)).toMatchObject({ fromName: "topic", toName: "text", choices: ["ham", "spam"] })
    // a comment with an example task (as Label Studio's templates end), an alias, entities, single quotes, an image
    const image = `<View><!-- <Choices name="old" toName="x"><Choice value="no"/></Choices> -->
      <Image name='img' value='$image' zoom="true"/>
      <Choices name="kind" toName="img"><Choice value="cat &amp; kitten" alias="cat"/><Choice value="dog"></Choice></Choices></View>`
    expect(parsed(image)).toEqual({ fromName: "kind", toName: "img", objectTag: "Image", dataKey: "image", choices: ["cat", "dog"] })
    const refused = (xml: string) => Either.match(parseLabelConfig(xml), { onLeft: (e) => e.message, onRight: () => "read" })
    expect(refused("<View></View>")).toMatch(/^the labelling config has no <Choices> control: /)
    expect(refused('<View><Choices name="c" toName="t"><Choice value="a"/></Choices></View>')).toBe(
      'the labelling config has no object for <Choices name="c" toName="t">: expected a tag such as <Text name="t" value="$text"/>'
    )
  })

  it("matches a task to an item by data.id, by its text, or by an image URL's path", () => {
    const texts = taskMatcher({ ids: ["m0", "m1"], texts: ["meeting notes", "cheap pills"] }, parsed(bertConfig))
    expect(texts({ id: 1, data: { id: "m1", text: "whatever" } })).toEqual(Either.right(1))
    expect(texts({ id: 2, data: { text: "meeting notes" } })).toEqual(Either.right(0))
    expect(Either.getLeft(texts({ id: 3, data: { text: "lunch" } })).pipe((e) => e._tag === "Some" && e.value.message)).toBe(
      'task 3: no item of deal\'s data has data.text "lunch": expected data.id to be an item\'s id, or data.text an item\'s text'
    )
    const config = parsed('<View><Image name="image" value="$image"/><Choices name="c" toName="image"><Choice value="cat"/><Choice value="dog"/></Choices></View>')
    const paths = ["cats/cat.png", "dogs/dog 1.png", "a/same.png", "b/same.png"]
    const images = taskMatcher({ ids: paths.map((p) => `data/pets/unlabeled/${p}`), paths }, config)
    const at = (image: string) => Either.getOrElse(images({ id: 9, data: { image } }), () => -1)
    expect(at("/data/local-files/?d=pets/unlabeled/dogs/dog%201.png")).toBe(1) // local files storage
    expect(at("/data/upload/3/5f2a1b3c-cat.png")).toBe(0) // an upload: its eight-hex prefix, a unique base name
    expect(at("s3://bucket/pets/unlabeled/b/same.png")).toBe(3) // the longest matching suffix
    expect(at("/data/upload/3/0123abcd-same.png")).toBe(-1) // two items share the name
    expect(urlPaths("/data/local-files/?d=x%2Fy.png")).toEqual(["x/y.png", "data/local-files"])
  })

  it("trains on each task's latest annotation that was not cancelled, and ranks labelled items last", () => {
    const config = parsed(bertConfig)
    const annotation = (choice: string, updated: string, cancelled = false) => ({
      result: [{ from_name: "topic", to_name: "text", type: "choices", value: { choices: [choice] } }],
      was_cancelled: cancelled,
      updated_at: updated
    })
    const task: ExportedTask = { id: 5, data: { id: "m0" }, annotations: [annotation("spam", "2024-02-01T00:00:00Z"), annotation("ham", "2024-01-01T00:00:00Z"), annotation("spam", "2024-03-01T00:00:00Z", true)] }
    expect(taskLabel(task, config)).toBe("spam")
    const match = taskMatcher({ ids: ["m0", "m1"] }, config)
    const other: ExportedTask = { id: 6, data: { id: "m9" }, annotations: [annotation("ham", "")] }
    const wrong: ExportedTask = { id: 7, data: { id: "m1" }, annotations: [annotation("eggs", "")] }
    const labels = trainingLabels([task, other, wrong, { id: 8, data: { id: "m1" }, annotations: [] }], config, ["ham", "spam"], match)
    expect([...labels.indices, ...labels.labels]).toEqual([0, 1])
    expect(labels.skipped).toHaveLength(2)
    expect(Array.from(poolRanks(5, [3, 1], [0], [4, 0, 2, 1, 3]))).toEqual([4, 1, 3, 0, 2])
  })
})

// ---------------------------------------------------------------------------------------------
// The server

/** `n` short emails with distinct texts: even ids about work ("ham"), odd ones selling something ("spam"). */
const mail = (n: number) => {
  const words = [["meeting", "notes", "monday", "project", "report", "lunch", "agenda", "budget"], ["cheap", "pills", "buy", "winner", "prize", "offer", "free", "click"]]
  let state = 7
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const texts = Array.from({ length: n }, (_, i) => Array.from({ length: 8 }, () => words[i % 2][Math.floor(next() * 8)]).join(" "))
  expect(new Set(texts).size).toBe(n)
  const dir = mkdtempSync(join(tmpdir(), "deal-ls-"))
  writeFileSync(join(dir, "mail.jsonl"), texts.map((text, i) => JSON.stringify({ id: `m${i}`, text })).join("\n") + "\n")
  return { file: join(dir, "mail.jsonl"), texts }
}
const truth = (i: number) => (i % 2 === 0 ? "ham" : "spam")

const children: Array<ChildProcess> = []
afterAll(() => children.forEach((c) => c.exitCode === null && c.kill("SIGKILL")))

/** Starts `deal serve --label-studio ARGS --port 0`; its URL, or what it printed when it exits first. */
const start = (args: ReadonlyArray<string>) =>
  new Promise<{ readonly url: string; readonly output: () => string }>((resolve, reject) => {
    const child = spawn("node", [bin, "serve", "--label-studio", ...args, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] })
    children.push(child)
    let printed = ""
    const output = () => printed
    const read = (chunk: Buffer) => {
      printed += chunk.toString()
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(printed)?.[0]
      if (url !== undefined) resolve({ url, output })
    }
    child.stdout.on("data", read)
    child.stderr.on("data", read)
    child.once("exit", (code) => reject(new Error(`deal serve exited ${code}: ${printed}`)))
  })

const send = (url: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(new URL(path, url), { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) })
const answer = async (res: Response) => `${res.status} ${await res.text()}`

/** The project of Label Studio's webhook payloads (`webhook_reference.md`, "Annotation Created"), with this test's config and id. */
const project = {
  id: 7,
  title: "New Project #2",
  description: "",
  label_config: bertConfig,
  expert_instruction: "",
  show_instruction: false,
  show_skip_button: true,
  enable_empty_annotation: true,
  show_annotation_history: false,
  show_collab_predictions: true,
  evaluate_predictions_automatically: false,
  token: "9105a1d897e52286",
  result_count: 0,
  color: "#FFFFFF",
  maximum_annotations: 1,
  min_annotations_to_start_training: 10,
  control_weights: {},
  model_version: "",
  data_types: { text: "Text" },
  is_draft: false,
  is_published: false,
  created_at: "2021-08-17T13:49:34.326416Z",
  updated_at: "2021-08-17T13:52:09.334425Z",
  sampling: "Sequential sampling",
  show_ground_truth_first: true,
  show_overlap_first: true,
  overlap_cohort_percentage: 100,
  task_data_login: null,
  task_data_password: null,
  organization: 1,
  created_by: 1
}
/** `MLApi` names a project `ID.CREATED_AT`. */
const projectUid = "7.1629208174"

/** Task `id` as `TaskSimpleSerializer` gives it to /predict (`webhook_reference.md`, "Task Created"): item `i`, named by data.id or only by its text. */
const simpleTask = (i: number, texts: ReadonlyArray<string>, byText = false) => ({
  id: 1000 + i,
  data: byText ? { text: texts[i] } : { id: `m${i}`, text: texts[i] },
  meta: {},
  created_at: "2021-08-17T13:51:02.590839Z",
  updated_at: "2021-08-17T13:51:02.590873Z",
  is_labeled: false,
  overlap: 1,
  project: 7,
  file_upload: 46
})

/** Task `i` as the export API lists it (`task_format.md`), annotated `choice` at `updated`. */
const exportedTask = (i: number, texts: ReadonlyArray<string>, choices: ReadonlyArray<readonly [string, string, boolean?]>) => ({
  id: 1000 + i,
  created_at: "2021-03-09T21:52:49.513742Z",
  updated_at: "2021-03-09T22:16:08.746926Z",
  project: 7,
  data: { id: `m${i}`, text: texts[i] },
  annotations: choices.map(([choice, updated, cancelled], k) => ({
    id: `${1000 + i}${k}`,
    result: [{ from_name: "topic", id: "Dx_aB91ISN", to_name: "text", type: "choices", value: { choices: [choice] } }],
    was_cancelled: cancelled === true,
    ground_truth: false,
    created_at: "2021-03-09T22:16:08.728353Z",
    updated_at: updated,
    lead_time: 4.288,
    result_count: 0,
    task: 1000 + i,
    completed_by: 10
  })),
  predictions: []
})

/** A fake Label Studio: the export API of project 7, and what it was asked. */
let labelStudio: Server
let labelStudioUrl = ""
let exported: Array<ReturnType<typeof exportedTask>> = []
const asked: Array<{ readonly url: string; readonly authorization: string | undefined }> = []
beforeAll(async () => {
  labelStudio = createServer((req, res) => {
    asked.push({ url: req.url ?? "", authorization: req.headers.authorization })
    if (req.url === "/api/projects/7/export?exportType=JSON") res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(exported))
    else res.writeHead(404).end("no such project")
  })
  await new Promise<void>((done) => labelStudio.listen(0, "127.0.0.1", done))
  labelStudioUrl = `http://127.0.0.1:${(labelStudio.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((done) => labelStudio.close(() => done())))

interface Prediction {
  readonly result: ReadonlyArray<{ readonly from_name: string; readonly to_name: string; readonly type: string; readonly value: { readonly choices: ReadonlyArray<string> }; readonly score: number }>
  readonly score: number
  readonly model_version: string
}

describe("deal serve --label-studio", () => {
  const data = mail(120)
  const n = data.texts.length
  let url = ""
  let output = () => ""
  beforeAll(async () => {
    ;({ url, output } = await start(["--dataset_name", `jsonl:${data.file}`, "--text", "text", "--classes", "ham,spam", "--model", "logreg", "--lr", "0.05", "--strategy_name", "entropy"]))
  })

  /** The model version /setup reports (as Label Studio reads it), waited for until it is `version`. */
  const setup = { project: projectUid, schema: bertConfig, hostname: "", access_token: "ls-key-1234", extra_params: null }
  const versionBecomes = async (version: string) => {
    for (let waited = 0; ; waited += 100) {
      const body = (await (await send(url, "/setup", { ...setup, hostname: labelStudioUrl })).json()) as { model_version: string }
      if (body.model_version === version) return
      if (waited > 90_000) throw new Error(`model version ${body.model_version}, expected ${version}: ${output()}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  const predict = async (tasks: ReadonlyArray<unknown>) => {
    const res = await send(url, "/predict", { tasks, project: projectUid, label_config: bertConfig, params: { login: null, password: null, context: null } })
    expect(res.status).toBe(200)
    return ((await res.json()) as { results: Array<Prediction> }).results
  }

  it("answers health and metrics, and refuses the Python tests' bare payloads (no <Choices>, tasks not a list) with a 4xx and one line", async () => {
    // tests/test_api.py: test_api, test_metrics
    expect(await (await fetch(new URL("/health", url))).json()).toEqual({ status: "UP", model_class: "deal" })
    expect(await (await fetch(url)).json()).toEqual({ status: "UP", model_class: "deal" })
    expect(await answer(await fetch(new URL("/metrics", url)))).toBe("200 {}")
    // tests/test_api.py: test_setup, test_predict, test_webhook (LabelStudioMLBase, which has no model, answers them 200/201)
    expect(await answer(await send(url, "/setup", { project: "1.1000000000", schema: "<View></View>", extra_params: {} }))).toMatch(/^400 the labelling config has no <Choices> control: /)
    expect(await answer(await send(url, "/predict", { tasks: { id: 1 }, label_config: "<View></View>", project: "1.1000000000", params: { context: {} } }))).toMatch(/^400 tasks: Expected ReadonlyArray/)
    expect(await answer(await send(url, "/webhook", { action: "ANNOTATION_CREATED", project: { id: 1, label_config: "<View></View>" } }))).toMatch(/^400 the labelling config has no <Choices>/)
    // sklearn_text_classifier/test_api.py: its config's choices are not deal's classes
    const sklearn = { tasks: [{ data: { text: "That is positive!" } }], label_config: sklearnConfig }
    expect(await answer(await send(url, "/predict", sklearn))).toBe(
      '400 the labelling config\'s <Choices name="sentiment"> has Positive, Negative, Neutral, and deal\'s classes are ham, spam (no choice for ham, spam; no class Positive, Negative, Neutral): expected the same classes'
    )
    // malformed requests
    expect(await answer(await send(url, "/predict", "{\"tasks\": ["))).toMatch(/^400 the body is not JSON: /)
    expect(await answer(await send(url, "/predict", { label_config: bertConfig }))).toBe("400 tasks: is missing")
    expect(await answer(await send(url, "/setup", {}, { "content-type": "text/plain" }))).toBe("415 expected a JSON body (Content-Type: application/json), got text/plain")
    expect(await answer(await send(url, "/webhook", { project }))).toBe("400 action: is missing")
    expect(await answer(await fetch(new URL("/predict", url)))).toBe("405 GET /predict: expected POST")
    expect(await answer(await fetch(new URL("/nowhere", url)))).toBe("404 no route GET /nowhere")
    for (const res of await Promise.all(["/predict", "/setup", "/webhook", "/nowhere"].map((p) => send(url, p, "[")))) expect((await res.text()).includes("\n")).toBe(false)
  })

  it("sets up (model version), predicts one result per task in order, and ranks the pool at random before any annotation", async () => {
    // MLApi.setup: project, schema, hostname, access_token, extra_params
    expect(await (await send(url, "/setup", { ...setup, hostname: labelStudioUrl })).json()).toEqual({ model_version: "deal-entropy-v0" })
    const tasks = Array.from({ length: n }, (_, i) => simpleTask(i, data.texts, i % 3 === 0))
    const results = await predict(tasks)
    expect(results).toHaveLength(n)
    expect(results.every((r) => r.model_version === "deal-entropy-v0" && r.result.length === 0)).toBe(true)
    expect(new Set(results.map((r) => r.score)).size).toBe(n)
    expect(results.every((r) => r.score >= 0 && r.score < 1)).toBe(true)
    // the same item, named by its id or by its text alone, gets the same score
    expect((await predict([simpleTask(5, data.texts, true)]))[0].score).toBe(results[5].score)
    // bert_classifier/test_api.py: a task with data.text only
    const bert = await (await send(url, "/predict", { tasks: [{ data: { text: data.texts[2] } }], label_config: bertConfig })).json()
    expect(bert).toEqual({ results: [{ result: [], score: results[2].score, model_version: "deal-entropy-v0" }] })
    // a task that shows no item of deal's data: refused alone, an empty prediction (score 1, last) among others
    const stray = { id: 99, data: { id: "elsewhere", text: "not in deal's data" } }
    expect(await answer(await send(url, "/predict", { tasks: [stray], label_config: bertConfig }))).toBe(
      '400 task 99: no item of deal\'s data has id "elsewhere" or data.text "not in deal\'s data": expected data.id to be an item\'s id, or data.text an item\'s text'
    )
    const mixed = await predict([stray, simpleTask(0, data.texts)])
    expect(mixed.map((r) => [r.result.length, r.score])).toEqual([[0, 1], [0, results[0].score]])
  })

  it("retrains when Label Studio sends a training event (webhook, then its export API) or the legacy /train: the version grows, predictions become right, the strategy's order sorts by score", async () => {
    // 16 annotated tasks; task 0's latest annotation corrects an earlier one, task 2's latest was cancelled (skipped)
    const labelled = Array.from({ length: 16 }, (_, i) => i * 7)
    exported = labelled.map((i) => exportedTask(i, data.texts, [[truth(i), "2021-03-09T22:16:08.728378Z"]]))
    exported[0] = exportedTask(0, data.texts, [[truth(1), "2021-03-09T22:00:00Z"], [truth(0), "2021-03-10T08:00:00Z"]])
    exported.push(exportedTask(2, data.texts, [[truth(3), "2021-03-11T00:00:00Z", true]]))
    // huggingface_ner/test_api.py test_fit, with webhook_reference.md's "Annotation Created" annotation
    const created = {
      action: "ANNOTATION_CREATED",
      annotation: {
        id: 17,
        result: [{ value: { choices: [truth(0)] }, id: "WArqkkifYE", from_name: "topic", to_name: "text", type: "choices" }],
        was_cancelled: false,
        ground_truth: false,
        created_at: "2021-08-17T13:52:48.536303Z",
        updated_at: "2021-08-17T13:52:48.536370Z",
        lead_time: 37.13,
        prediction: {},
        result_count: 0,
        task: 1000,
        completed_by: 1,
        project: 7
      },
      project
    }
    const res = await send(url, "/webhook", created)
    expect(res.status).toBe(201)
    expect(await res.json()).toEqual({ result: { model_version: "deal-entropy-v0", retraining: true }, status: "ok" })
    await versionBecomes("deal-entropy-v1")
    expect(asked.at(-1)).toEqual({ url: "/api/projects/7/export?exportType=JSON", authorization: "Token ls-key-1234" })

    const results = await predict(Array.from({ length: n }, (_, i) => simpleTask(i, data.texts)))
    expect(results.every((r) => r.model_version === "deal-entropy-v1" && r.score >= 0 && r.score < 1)).toBe(true)
    for (const r of results) {
      expect(r.result).toHaveLength(1)
      expect(r.result[0]).toMatchObject({ from_name: "topic", to_name: "text", type: "choices" })
      expect(["ham", "spam"]).toContain(r.result[0].value.choices[0])
    }
    const unlabelled = results.flatMap((r, i) => (labelled.includes(i) ? [] : [{ ...r, i }]))
    const right = unlabelled.filter((r) => r.result[0].value.choices[0] === truth(r.i)).length
    expect(right / unlabelled.length).toBeGreaterThan(0.95)
    // the labelled items come last; the unlabelled, by ascending score, in entropy's order: the
    // least confident first (with two classes, entropy falls as the top probability rises)
    const lowestLabelled = Math.min(...labelled.map((i) => results[i].score))
    expect(unlabelled.every((r) => r.score < lowestLabelled)).toBe(true)
    const byScore = [...unlabelled].sort((a, b) => a.score - b.score).map((r) => r.result[0].score)
    for (let j = 1; j < byScore.length; j++) expect(byScore[j]).toBeGreaterThanOrEqual(byScore[j - 1] - 1e-6)
    expect(byScore[0]).toBeLessThan(byScore.at(-1)!)

    // MLApi.train: Start Training sends START_TRAINING with the project (its webhook serialization)
    exported.push(exportedTask(1, data.texts, [[truth(1), "2021-03-12T00:00:00Z"]]))
    expect((await send(url, "/webhook", { action: "START_TRAINING", project })).status).toBe(201)
    await versionBecomes("deal-entropy-v2")
    // MLApi.train before the webhook flag (api.py before 1.4.1): POST /train with the annotated tasks
    const train = { annotations: exported, project: projectUid, label_config: bertConfig, params: { login: null, password: null } }
    expect(await answer(await send(url, "/train", train))).toBe("201 {}")
    await versionBecomes("deal-entropy-v3")
    expect(await answer(await send(url, "/train", { ...train, annotations: [] }))).toBe("400 No annotations found.")
    // an event that does not train: answered as api.py does, and nothing retrains
    expect(await answer(await send(url, "/webhook", { action: "PROJECT_UPDATED", project }))).toBe('200 {"status":"Unknown event"}')
    await new Promise((r) => setTimeout(r, 500))
    expect((await predict([simpleTask(3, data.texts)]))[0].model_version).toBe("deal-entropy-v3")
  })
})

describe("deal serve --label-studio --basic_auth", () => {
  it("asks every request for basic authentication (401 without it), and listens beyond loopback only with it", async () => {
    const { file } = mail(20)
    const { url } = await start(["--dataset_name", `jsonl:${file}`, "--text", "text", "--classes", "ham,spam", "--model", "logreg", "--basic_auth", "ana:s3:cret"])
    const basic = (credentials: string) => ({ authorization: `Basic ${Buffer.from(credentials).toString("base64")}` })
    const res = await fetch(new URL("/health", url))
    expect(res.status).toBe(401)
    expect(res.headers.get("www-authenticate")).toBe('Basic realm="Login required"')
    expect((await fetch(new URL("/health", url), { headers: basic("ana:wrong") })).status).toBe(401)
    expect((await send(url, "/setup", { project: "1.1", schema: bertConfig }, basic("ana:s3:crett"))).status).toBe(401)
    expect(await (await fetch(new URL("/health", url), { headers: basic("ana:s3:cret") })).json()).toEqual({ status: "UP", model_class: "deal" })
    expect(await (await send(url, "/setup", { project: "1.1", schema: bertConfig }, basic("ana:s3:cret"))).json()).toEqual({ model_version: "deal-entropy-v0" })
    await expect(start(["--dataset_name", `jsonl:${file}`, "--text", "text", "--classes", "ham,spam", "--host", "0.0.0.0"])).rejects.toThrow(
      "--host 0.0.0.0: listening beyond this machine needs --basic_auth USER:PASSWORD"
    )
  })
})
