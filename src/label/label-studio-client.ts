/**
 * What `deal serve --label-studio` asks of Label Studio: a project's annotated tasks, from its
 * export API (`GET /api/projects/ID/export?exportType=JSON`, `Authorization: Token KEY`): the URL
 * and the key are the ones `/setup` gave (`hostname`, `access_token`), or `LABEL_STUDIO_URL` and
 * `LABEL_STUDIO_API_KEY`, as the Python ML backend reads them.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { formatIssues } from "../run/json-file.js"
import { type ExportedTask, ExportedTasks, LabelStudioError } from "./label-studio.js"

/** Where Label Studio answers, and the key to read with. */
export interface LabelStudioConnection {
  readonly url: string
  readonly token: string
}

/** How long an export may take. */
const exportTimeout = "120 seconds"

/** The project's tasks with annotations, as Label Studio's JSON export lists them. */
export const fetchProjectTasks = (connection: LabelStudioConnection, project: string): Effect.Effect<ReadonlyArray<ExportedTask>, LabelStudioError> =>
  Effect.gen(function* () {
    const base = (/^https?:\/\//i.test(connection.url) ? connection.url : `http://${connection.url}`).replace(/\/+$/, "")
    const url = `${base}/api/projects/${encodeURIComponent(project)}/export?exportType=JSON`
    const fail = (why: string) => new LabelStudioError({ message: `GET ${url}: ${why}` })
    const res = yield* Effect.tryPromise({
      try: (signal) => fetch(url, { headers: { authorization: `Token ${connection.token}`, accept: "application/json" }, signal }),
      catch: (e) => fail(`Label Studio cannot be reached (${(e as Error).message})`)
    }).pipe(Effect.timeoutFail({ duration: exportTimeout, onTimeout: () => fail(`no answer in ${exportTimeout}`) }))
    const text = yield* Effect.tryPromise({ try: () => res.text(), catch: (e) => fail(`the answer could not be read (${(e as Error).message})`) })
    if (!res.ok) {
      const hint = res.status === 401 || res.status === 403 ? " (check the access token: Label Studio's Account & Settings → Access Token)" : ""
      return yield* fail(`Label Studio answered ${res.status}${hint}: ${text.split("\n")[0].slice(0, 200)}`)
    }
    const json = Either.try(() => JSON.parse(text) as unknown)
    if (Either.isLeft(json)) return yield* fail(`the answer is not JSON: ${(json.left as Error).message}`)
    return yield* Schema.decodeUnknown(ExportedTasks)(json.right).pipe(Effect.mapError((e) => fail(`expected a list of tasks: ${formatIssues(e)}`)))
  })
