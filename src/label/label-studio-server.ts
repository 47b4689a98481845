/**
 * `deal serve --label-studio`: a Label Studio ML backend. Label Studio asks it for predictions
 * and tells it of annotations; it answers each task with the model's class and a score that puts
 * the most informative task first (Data Manager: sort by prediction score, ascending), and
 * retrains in the background as annotations come in.
 *
 * | route | what it does (as `label_studio_ml/api.py` serves it) |
 * |---|---|
 * | `GET /`, `GET /health` | `{"status": "UP", "model_class": "deal"}` |
 * | `GET /metrics` | `{}` |
 * | `POST /setup` | checks the labelling config (a `<Choices>` with deal's classes), keeps Label Studio's URL and key; `{"model_version"}` |
 * | `POST /predict` | `{"results": [{result, score, model_version}, …]}`, one per task, in order |
 * | `POST /webhook` | on a training event: reads the project's annotations (export API) and retrains in the background; 201 `{"result", "status": "ok"}`; other events 200 `{"status": "Unknown event"}` |
 * | `POST /train` | the same, before Label Studio 1.4.1: the annotated tasks are in the body; 201 `{}` |
 *
 * A task's score is its item's rank over the pool size: rank 0 is the item the strategy would
 * query first, and labelled items come last. A task is matched to an item by `data.id`, or by
 * its text or image path (`label-studio.ts`). When some tasks of a request match no item, they
 * get an empty prediction (score 1: last) and a line in the log, so that one stray task does not
 * hold back the others' predictions; when none does, the request is refused, naming the first.
 *
 * With `basicAuth`, every request needs it (401 otherwise), as the Python backend's
 * BASIC_AUTH_USER and BASIC_AUTH_PASS; a refused request gets a 4xx and one line.
 */
import * as HttpRouter from "@effect/platform/HttpRouter"
import type { HttpServerRequest } from "@effect/platform/HttpServerRequest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Scope from "effect/Scope"
import type { Progress } from "../runtime/progress.js"
import type { Backend } from "../runtime/backend.js"
import { type LabelDataSpec, loadDataToLabel } from "./label-data.js"
import { fetchProjectTasks, type LabelStudioConnection } from "./label-studio-client.js"
import { type LabelStudioModel, openLabelStudioModel } from "./label-studio-model.js"
import {
  checkClasses,
  type ExportedTask,
  type LabelConfig,
  LabelStudioError,
  modelVersionName,
  parseLabelConfig,
  PredictBody,
  type PoolItems,
  projectId,
  SetupBody,
  type TaskMatcher,
  taskMatcher,
  taskPrediction,
  trainEvents,
  TrainBody,
  trainingLabels,
  WebhookBody
} from "./label-studio.js"
import { serveRoutes } from "./http-server.js"
import { hasBasicAuth, jsonAnswer, readJsonBody, Refused } from "./requests.js"

export interface LabelStudioServerOptions {
  readonly model: LabelStudioModel
  /** The strategy's name, in the model version (`deal-STRATEGY-vN`). */
  readonly strategy: string
  readonly classes: ReadonlyArray<string>
  readonly items: PoolItems
  readonly host: string
  /** 0: any free port. */
  readonly port: number
  /** Required of every request when given. */
  readonly basicAuth?: { readonly user: string; readonly password: string }
  /** Label Studio's URL and key for projects `/setup` has not given them for. */
  readonly labelStudio?: Partial<LabelStudioConnection>
  /** A line per refused request, per retraining (for the terminal). */
}

/** The largest bodies read: a setup, a webhook event, a batch of tasks to predict (or, for `/train`, every annotated task). */
const limits = { setup: 1 << 20, webhook: 4 << 20, tasks: 64 << 20 }

const refuse = (e: LabelStudioError) => new Refused({ status: 400, message: e.message })

/** A labelling config ready to use: read, checked against the classes, with its matcher. */
interface Config {
  readonly config: LabelConfig
  readonly match: TaskMatcher
}

/** Starts the server for the scope; its URL once it listens. */
export const startLabelStudioServer = (options: LabelStudioServerOptions): Effect.Effect<{ readonly url: string }, Refused, Scope.Scope> =>
  Effect.gen(function* () {
    const { model, classes } = options
    /** Configs read so far, by their XML (a project's config seldom changes). */
    const configs = new Map<string, Either.Either<Config, LabelStudioError>>()
    const configOf = (xml: string): Effect.Effect<Config, Refused> => {
      let found = configs.get(xml)
      if (found === undefined) {
        found = parseLabelConfig(xml).pipe(
          Either.flatMap((config) => checkClasses(config, classes)),
          Either.map((config) => ({ config, match: taskMatcher(options.items, config) }))
        )
        if (configs.size >= 16) configs.clear()
        configs.set(xml, found)
      }
      return Either.isLeft(found) ? Effect.fail(refuse(found.left)) : Effect.succeed(found.right)
    }
    /** Per project id: the config and the connection its latest `/setup` gave. */
    const projects = new Map<string, { readonly xml: string; readonly connection: Partial<LabelStudioConnection> }>()
    const versionName = Effect.map(model.current, (c) => modelVersionName(options.strategy, c.version))
    /** The labelling config a request names, else its project's (from `/setup`). */
    const requestConfig = (xml: string | null | undefined, project: string | undefined) => {
      const known = xml ?? (project === undefined ? undefined : projects.get(project)?.xml)
      return known === undefined ? Effect.fail(new Refused({ status: 400, message: "label_config: expected the project's labelling config (or a /setup for the project first)" })) : configOf(known)
    }
    const labelsOf = (tasks: ReadonlyArray<ExportedTask>, { config, match }: Config) =>
      Effect.suspend(() => {
        const labels = trainingLabels(tasks, config, classes, match)
        return labels.skipped.length === 0
          ? Effect.succeed(labels)
          : Effect.as(Effect.logInfo(`${labels.skipped.length} annotated task(s) left out of training, the first: ${labels.skipped[0]}`), labels)
      })

    const setup = Effect.gen(function* () {
      const body = yield* readJsonBody(SetupBody, limits.setup)
      yield* configOf(body.schema)
      const project = projectId(body.project)
      const connection = { ...(body.hostname ? { url: body.hostname } : {}), ...(body.access_token ? { token: body.access_token } : {}) }
      projects.set(project, { xml: body.schema, connection })
      return jsonAnswer({ model_version: yield* versionName })
    })

    const predict = Effect.gen(function* () {
      const body = yield* readJsonBody(PredictBody, limits.tasks)
      const { config, match } = yield* requestConfig(body.label_config, body.project === undefined || body.project === null ? undefined : projectId(body.project))
      const matched = body.tasks.map(match)
      const failed = matched.flatMap((m) => (Either.isLeft(m) ? [m.left] : []))
      if (failed.length > 0 && failed.length === matched.length) return yield* refuse(failed[0])
      if (failed.length > 0) yield* Effect.logInfo(`${failed.length} of ${matched.length} tasks match no item (an empty prediction each), the first: ${failed[0].message}`)
      const current = yield* model.current
      const version = modelVersionName(options.strategy, current.version)
      const n = current.rank.length
      const results = matched.map((m) => {
        if (Either.isLeft(m)) return taskPrediction(config, version, 1, undefined)
        const i = m.right
        const prediction = current.predicted === undefined ? undefined : { label: classes[current.predicted[i]], confidence: current.confidence![i] }
        return taskPrediction(config, version, current.rank[i] / n, prediction)
      })
      return jsonAnswer({ results })
    })

    const webhook = Effect.gen(function* () {
      const body = yield* readJsonBody(WebhookBody, limits.webhook)
      if (!trainEvents.includes(body.action)) return jsonAnswer({ status: "Unknown event" })
      if (body.project === undefined || body.project === null) return yield* new Refused({ status: 400, message: `project: expected the project of the ${body.action} event` })
      const project = String(body.project.id)
      const config = yield* requestConfig(body.project.label_config, project)
      const connection = { ...options.labelStudio, ...projects.get(project)?.connection }
      if (connection.url === undefined || connection.token === undefined) {
        return yield* new Refused({
          status: 400,
          message: `project ${project}: no Label Studio URL and access token to read its annotations with: connect the model in Label Studio (it calls /setup), or set LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY`
        })
      }
      const from = { url: connection.url, token: connection.token }
      yield* model.retrain(Effect.flatMap(fetchProjectTasks(from, project), (tasks) => labelsOf(tasks, config)))
      return jsonAnswer({ result: { model_version: yield* versionName, retraining: true }, status: "ok" }, 201)
    })

    const train = Effect.gen(function* () {
      const body = yield* readJsonBody(TrainBody, limits.tasks)
      const project = typeof body.project === "string" || typeof body.project === "number" ? projectId(body.project) : undefined
      const config = yield* requestConfig(body.label_config, project)
      if (body.annotations.length === 0) return yield* new Refused({ status: 400, message: "No annotations found." })
      yield* model.retrain(labelsOf(body.annotations, config))
      return jsonAnswer({}, 201)
    })

    const health = Effect.succeed(jsonAnswer({ status: "UP", model_class: "deal" }))
    // Label Studio joins its model URL and the route: a URL given with a trailing slash must still route (serveRoutes takes // as /)
    const router = HttpRouter.empty.pipe(
      HttpRouter.get("/", health),
      HttpRouter.get("/health", health),
      HttpRouter.get("/metrics", Effect.succeed(jsonAnswer({}))),
      HttpRouter.post("/setup", setup),
      HttpRouter.post("/predict", predict),
      HttpRouter.post("/webhook", webhook),
      HttpRouter.post("/train", train)
    )
    const posts = ["/setup", "/predict", "/webhook", "/train"]
    const gets = ["/", "/health", "/metrics"]
    const auth = options.basicAuth
    const url = yield* serveRoutes(router, {
      host: options.host,
      port: options.port,
      noRoute: (method, path) =>
        posts.includes(path) || gets.includes(path)
          ? new Refused({ status: 405, message: `${method} ${path}: expected ${posts.includes(path) ? "POST" : "GET"}` })
          : new Refused({ status: 404, message: `no route ${method} ${path}` }),
      ...(auth === undefined
        ? {}
        : {
            guard: (request: HttpServerRequest) =>
              hasBasicAuth(request, auth.user, auth.password)
                ? Effect.void
                : Effect.fail(
                    new Refused({ status: 401, message: "Unauthorized: expected basic authentication, the user and password given to deal serve --basic_auth", headers: { "www-authenticate": 'Basic realm="Login required"' } })
                  )
          })
    })
    return { url }
  })

export interface LabelStudioBackendOptions {
  readonly host: string
  readonly port: number
  readonly basicAuth?: { readonly user: string; readonly password: string }
  readonly labelStudio?: Partial<LabelStudioConnection>
}

/** Loads the spec's data to label, opens its model and starts the server for the scope; the server's URL. */
export const startLabelStudioBackend = (spec: LabelDataSpec, options: LabelStudioBackendOptions): Effect.Effect<{ readonly url: string }, unknown, Backend | Progress | Scope.Scope> =>
  Effect.gen(function* () {
    const data = yield* loadDataToLabel(spec, "deal serve --label-studio")
    const model = yield* openLabelStudioModel({ pool: data.pool, test: data.test, seed: spec.seed }).pipe(Effect.provide(data.stages))
    const items: PoolItems = { ids: data.ids, ...(data.pool.texts === undefined ? {} : { texts: data.pool.texts }), ...(data.folder === undefined ? {} : { paths: data.folder.paths }) }
    return yield* startLabelStudioServer({
      model,
      strategy: data.resolved.strategy.name,
      classes: data.pool.classNames,
      items,
      host: options.host,
      port: options.port,
      ...(options.basicAuth === undefined ? {} : { basicAuth: options.basicAuth }),
      ...(options.labelStudio === undefined ? {} : { labelStudio: options.labelStudio }),
    })
  })
