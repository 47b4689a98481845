/**
 * The Label Studio ML backend protocol, as pure values and functions: the bodies Label Studio
 * sends (`/setup`, `/predict`, `/webhook`, the legacy `/train`) and the tasks its export API
 * returns, as Schemas; the labelling config, read just enough to find the `<Choices>` control and
 * the object it labels; a task matched to an item of deal's data; the labels the annotations
 * give; and the prediction a task gets back.
 *
 * The protocol is the one `label_studio_ml/api.py` (HumanSignal/label-studio-ml-backend) serves
 * and Label Studio's `ml/api_connector.py` calls: every body may carry fields deal does not read
 * (a project's full serialization, a task's counters), so every struct here is open.
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type { LabeledSet } from "../data/labeled-set.js"

/** A request or a labelling config deal cannot serve; the server answers it with a 4xx and this line. */
export class LabelStudioError extends Data.TaggedError("LabelStudioError")<{ readonly message: string }> {}

// ---------------------------------------------------------------------------------------------
// Bodies

/** Fields deal does not read, kept (Label Studio sends many). */
const Rest = Schema.Record({ key: Schema.String, value: Schema.Unknown })
const Id = Schema.Union(Schema.Number, Schema.String)
const Text = Schema.optional(Schema.NullOr(Schema.String))

/** A task as `/predict` and the export API give it: its id, and its data by the config's `$keys`. */
export const Task = Schema.Struct({ id: Schema.optional(Schema.NullOr(Id)), data: Rest }, Rest)
export type Task = typeof Task.Type

/** One region of an annotation's result: for a `<Choices>` control, `value.choices`. */
const ResultItem = Schema.Struct(
  {
    from_name: Text,
    type: Text,
    value: Schema.optional(Schema.NullOr(Schema.Struct({ choices: Schema.optional(Schema.NullOr(Schema.Array(Schema.String))) }, Rest)))
  },
  Rest
)

/** An annotation of an exported task (the Label Studio JSON export format). */
export const Annotation = Schema.Struct(
  {
    id: Schema.optional(Schema.NullOr(Id)),
    result: Schema.optional(Schema.NullOr(Schema.Array(ResultItem))),
    was_cancelled: Schema.optional(Schema.NullOr(Schema.Boolean)),
    created_at: Text,
    updated_at: Text
  },
  Rest
)
export type Annotation = typeof Annotation.Type

/** A task with its annotations, as `GET /api/projects/ID/export?exportType=JSON` lists them. */
export const ExportedTask = Schema.Struct({ id: Schema.optional(Schema.NullOr(Id)), data: Rest, annotations: Schema.optional(Schema.NullOr(Schema.Array(Annotation))) }, Rest)
export type ExportedTask = typeof ExportedTask.Type
export const ExportedTasks = Schema.Array(ExportedTask)

/** `POST /setup`: the project (`ID.CREATED_AT`), its labelling config, and how to reach Label Studio. */
export const SetupBody = Schema.Struct(
  { project: Id, schema: Schema.String, hostname: Text, access_token: Text, model_version: Text, extra_params: Schema.optional(Schema.Unknown) },
  Rest
)

/** `POST /predict`: the tasks to predict, the project and its labelling config. */
export const PredictBody = Schema.Struct({ tasks: Schema.Array(Task), project: Schema.optional(Schema.NullOr(Id)), label_config: Text, params: Schema.optional(Schema.Unknown) }, Rest)

/** The project a webhook event carries (Label Studio's webhook project serialization). */
const WebhookProject = Schema.Struct({ id: Id, label_config: Text }, Rest)
/** `POST /webhook`: an event (`ANNOTATION_CREATED`, `START_TRAINING`, …) and its project. */
export const WebhookBody = Schema.Struct({ action: Schema.String, project: Schema.optional(Schema.NullOr(WebhookProject)) }, Rest)

/** `POST /train` (before Label Studio 1.4.1): the annotated tasks themselves, the project and its config. */
export const TrainBody = Schema.Struct({ annotations: ExportedTasks, project: Schema.optional(Schema.Unknown), label_config: Text, params: Schema.optional(Schema.Unknown) }, Rest)

/** The events that retrain, as `api.py`'s TRAIN_EVENTS, and the bulk forms Label Studio also sends. */
export const trainEvents: ReadonlyArray<string> = ["ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATION_DELETED", "ANNOTATIONS_CREATED", "ANNOTATIONS_DELETED", "START_TRAINING"]

/** The project id of a `/setup` or `/predict` body's `project` (`ID.CREATED_AT`, or the id alone). */
export const projectId = (project: string | number): string => String(project).split(".", 1)[0]

// ---------------------------------------------------------------------------------------------
// The labelling config

/** What deal needs of a labelling config: the `<Choices>` control, its classes, and the object it labels. */
export interface LabelConfig {
  /** The control's `name` (a result's `from_name`). */
  readonly fromName: string
  /** The object's `name` (a result's `to_name`). */
  readonly toName: string
  /** The object's tag (`Text`, `Image`, …). */
  readonly objectTag: string
  /** The task data key of the object's `value="$key"`. */
  readonly dataKey: string
  /** The classes, as results name them (a `<Choice>`'s `alias`, else its `value`), in the config's order. */
  readonly choices: ReadonlyArray<string>
}

interface Tag {
  readonly name: string
  readonly closing: boolean
  readonly selfClosing: boolean
  readonly attributes: ReadonlyMap<string, string>
}

const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }
const unescapeXml = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, e: string) =>
    e.startsWith("#x") || e.startsWith("#X") ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith("#") ? String.fromCodePoint(Number(e.slice(1))) : (entities[e] ?? whole)
  )

/** The tags of an XML text in order, comments left out (Label Studio configs often end with an example task in one). */
const xmlTags = (xml: string): Array<Tag> => {
  const tags: Array<Tag> = []
  const tagPattern = /<(\/?)([A-Za-z][\w.:-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*(\/?)>/g
  for (const m of xml.replace(/<!--[\s\S]*?-->/g, "").matchAll(tagPattern)) {
    const attributes = new Map<string, string>()
    for (const a of m[3].matchAll(/([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g)) attributes.set(a[1], unescapeXml(a[2] ?? a[3] ?? a[4] ?? ""))
    tags.push({ name: m[2], closing: m[1] === "/", selfClosing: m[4] === "/", attributes })
  }
  return tags
}

/**
 * Reads a labelling config: the first `<Choices>` control whose `toName` names an object with a
 * `value="$key"`, its `<Choice>` values, and that object. deal serves classification, so a config
 * without one is refused.
 */
export const parseLabelConfig = (xml: string): Either.Either<LabelConfig, LabelStudioError> => {
  const tags = xmlTags(xml)
  const objects = new Map<string, { readonly tag: string; readonly key: string }>()
  for (const t of tags) {
    const name = t.attributes.get("name")
    const value = t.attributes.get("value")
    if (!t.closing && name !== undefined && value?.startsWith("$") && !/^Choices?$/.test(t.name)) objects.set(name, { tag: t.name, key: value.slice(1) })
  }
  const controls: Array<{ readonly name: string; readonly toName: string; readonly choices: Array<string> }> = []
  let open: (typeof controls)[number] | undefined
  for (const t of tags) {
    if (t.name === "Choices" && t.closing) open = undefined
    else if (t.name === "Choices") {
      const control = { name: t.attributes.get("name") ?? "", toName: (t.attributes.get("toName") ?? "").split(",")[0].trim(), choices: [] }
      controls.push(control)
      open = t.selfClosing ? undefined : control
    } else if (t.name === "Choice" && !t.closing && open !== undefined) {
      const label = t.attributes.get("alias") ?? t.attributes.get("value")
      if (label !== undefined) open.choices.push(label)
    }
  }
  const fail = (message: string) => Either.left(new LabelStudioError({ message: `the labelling config ${message}` }))
  if (controls.length === 0) return fail("has no <Choices> control: deal serves classification, a <Choices name=… toName=…> with a <Choice value=…/> per class")
  const control = controls.find((c) => objects.has(c.toName))
  if (control === undefined) {
    return fail(`has no object for <Choices name="${controls[0].name}" toName="${controls[0].toName}">: expected a tag such as <Text name="${controls[0].toName}" value="$text"/>`)
  }
  if (control.choices.length === 0) return fail(`lists no <Choice value=…/> in <Choices name="${control.name}">: expected one per class`)
  const object = objects.get(control.toName)!
  return Either.right({ fromName: control.name, toName: control.toName, objectTag: object.tag, dataKey: object.key, choices: control.choices })
}

/** Refuses a config whose choices are not deal's classes (in any order). */
export const checkClasses = (config: LabelConfig, classes: ReadonlyArray<string>): Either.Either<LabelConfig, LabelStudioError> => {
  const missing = classes.filter((c) => !config.choices.includes(c))
  const extra = config.choices.filter((c) => !classes.includes(c))
  if (missing.length === 0 && extra.length === 0) return Either.right(config)
  const differences = [missing.length > 0 ? `no choice for ${missing.join(", ")}` : "", extra.length > 0 ? `no class ${extra.join(", ")}` : ""].filter((s) => s !== "")
  return Either.left(
    new LabelStudioError({
      message: `the labelling config's <Choices name="${config.fromName}"> has ${config.choices.join(", ")}, and deal's classes are ${classes.join(", ")} (${differences.join("; ")}): expected the same classes`
    })
  )
}

// ---------------------------------------------------------------------------------------------
// Tasks and items

/** deal's items, as Label Studio tasks may name them. */
export interface PoolItems {
  /** Each item's id (a table's `id` column or `FILE:ROW`; an image's path). */
  readonly ids: ReadonlyArray<string>
  /** Each item's text (text data). */
  readonly texts?: ReadonlyArray<string>
  /** Each image's path relative to the folder of items (`PATH/unlabeled/`), with `/` separators. */
  readonly paths?: ReadonlyArray<string>
}

/** Finds the item a task shows: by `data.id`, else by the value under the object's key (a text, or an image's URL). */
export type TaskMatcher = (task: Task) => Either.Either<number, LabelStudioError>

/** Label Studio names an uploaded file `XXXXXXXX-NAME` (eight hex digits). */
const uploadPrefix = /^[0-9a-f]{8}-(.+)$/

/** The paths a URL may name a file by: `?d=PATH` (local files storage), its path, and its path without the upload prefix. */
export const urlPaths = (url: string): ReadonlyArray<string> => {
  const decode = (s: string) => Either.getOrElse(Either.try(() => decodeURIComponent(s)), () => s)
  const parsed = Either.getOrUndefined(Either.try(() => new URL(url, "http://task/")))
  const paths = parsed === undefined ? [url] : [parsed.searchParams.get("d") ?? "", decode(parsed.pathname)].filter((p) => p !== "")
  return paths.flatMap((p) => {
    const segments = p.split(/[\\/]+/).filter((s) => s !== "")
    const last = uploadPrefix.exec(segments.at(-1) ?? "")
    const path = segments.join("/")
    return last === null ? [path] : [path, [...segments.slice(0, -1), last[1]].join("/")]
  })
}

/** A matcher for `items` under `config` (indexes built once). */
export const taskMatcher = (items: PoolItems, config: LabelConfig): TaskMatcher => {
  const byId = new Map<string, number>()
  items.ids.forEach((id, i) => byId.set(id, i))
  items.paths?.forEach((p, i) => byId.has(p) || byId.set(p, i))
  const byText = new Map<string, number>()
  items.texts?.forEach((t, i) => byText.has(t) || byText.set(t, i))
  const byPath = new Map<string, number>()
  items.paths?.forEach((p, i) => byPath.set(p, i))
  /** Each base name, or −1 where two items share it. */
  const byName = new Map<string, number>()
  items.paths?.forEach((p, i) => {
    const name = p.slice(p.lastIndexOf("/") + 1)
    byName.set(name, byName.has(name) ? -1 : i)
  })
  const fromPath = (path: string): number | undefined => {
    const segments = path.split("/")
    for (let j = 0; j < segments.length; j++) {
      const found = byPath.get(segments.slice(j).join("/"))
      if (found !== undefined) return found
    }
    const named = byName.get(segments.at(-1) ?? "")
    return named === undefined || named < 0 ? undefined : named
  }
  const expected = items.paths !== undefined ? "an image's path under the folder of items" : items.texts !== undefined ? "an item's text" : "an item's id"
  return (task) => {
    const id = task.data.id
    if ((typeof id === "string" || typeof id === "number") && byId.has(String(id))) return Either.right(byId.get(String(id))!)
    const value = task.data[config.dataKey]
    if (typeof value === "string") {
      const found = byText.get(value) ?? (items.paths === undefined ? undefined : urlPaths(value).map(fromPath).find((i) => i !== undefined))
      if (found !== undefined) return Either.right(found)
    }
    const shown = typeof value === "string" ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value) : "nothing"
    return Either.left(
      new LabelStudioError({
        message: `task ${task.id ?? "(no id)"}: no item of deal's data has ${id === undefined ? "" : `id ${JSON.stringify(id)} or `}data.${config.dataKey} ${shown}: expected data.id to be an item's id, or data.${config.dataKey} ${expected}`
      })
    )
  }
}

// ---------------------------------------------------------------------------------------------
// Annotations to labels

/** The class an annotation chose with the config's control, if it chose one. */
const choiceOf = (annotation: Annotation, config: LabelConfig): string | undefined =>
  annotation.result?.find((r) => r.type === "choices" && (r.from_name === undefined || r.from_name === null || r.from_name === config.fromName))?.value?.choices?.[0]

/**
 * A task's label: the choice of its latest annotation (by `updated_at`, else `created_at`, else
 * its place in the list) that was not cancelled (skipped) and chose a class; none when none did.
 */
export const taskLabel = (task: ExportedTask, config: LabelConfig): string | undefined => {
  const standing = (task.annotations ?? []).flatMap((a, order) => {
    const choice = a.was_cancelled === true ? undefined : choiceOf(a, config)
    return choice === undefined ? [] : [{ choice, time: a.updated_at ?? a.created_at ?? "", order }]
  })
  standing.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.order - b.order))
  return standing.at(-1)?.choice
}

/** The labelled items of a project's tasks (the latest task's label where two show one item), and why others were left out. */
export interface TrainingLabels extends LabeledSet {
  /** One line per task with a label deal could not use. */
  readonly skipped: ReadonlyArray<string>
}

export const trainingLabels = (tasks: ReadonlyArray<ExportedTask>, config: LabelConfig, classes: ReadonlyArray<string>, match: TaskMatcher): TrainingLabels => {
  const byItem = new Map<number, number>()
  const skipped: Array<string> = []
  for (const task of tasks) {
    const label = taskLabel(task, config)
    if (label === undefined) continue
    const c = classes.indexOf(label)
    const item = match(task)
    if (c < 0) skipped.push(`task ${task.id ?? "(no id)"}: '${label}' is not a class (expected one of ${classes.join(", ")})`)
    else if (Either.isLeft(item)) skipped.push(item.left.message)
    else {
      byItem.delete(item.right)
      byItem.set(item.right, c)
    }
  }
  return { indices: Int32Array.from(byItem.keys()), labels: Int32Array.from(byItem.values()), skipped }
}

// ---------------------------------------------------------------------------------------------
// Predictions

/** What the model says of an item: its class and the probability it gives it. */
export interface ItemPrediction {
  readonly label: string
  readonly confidence: number
}

/** A task's prediction: the model's choice (none before a model), and a score that sorts the most informative task first. */
export const taskPrediction = (config: LabelConfig, modelVersion: string, score: number, prediction: ItemPrediction | undefined) => ({
  result:
    prediction === undefined
      ? []
      : [{ from_name: config.fromName, to_name: config.toName, type: "choices" as const, value: { choices: [prediction.label] }, score: prediction.confidence }],
  score,
  model_version: modelVersion
})
export type TaskPrediction = ReturnType<typeof taskPrediction>

/** The model version Label Studio sees: `deal-STRATEGY-vN`, N the retrainings so far (0: none yet). */
export const modelVersionName = (strategy: string, version: number): string => `deal-${strategy}-v${version}`
