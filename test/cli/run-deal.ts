import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"

export interface Ran {
  readonly code: number
  readonly signal: string | null
  readonly stdout: string
  readonly stderr: string
}

const bin = fileURLToPath(new URL("../../bin/deal.js", import.meta.url))

/** The CLI as a user runs it (the built bin: npm test builds first), in `cwd` with `env` added; never throws. */
export const runDeal = (args: ReadonlyArray<string>, options: { readonly cwd?: string; readonly env?: Record<string, string> } = {}): Promise<Ran> =>
  promisify(execFile)("node", [bin, ...args], { encoding: "utf8", ...(options.cwd ? { cwd: options.cwd } : {}), env: { ...process.env, ...options.env } }).then(
    (r) => ({ code: 0, signal: null, ...r }),
    (e: { code: number; signal: string | null; stdout: string; stderr: string }) => ({ code: e.code, signal: e.signal, stdout: e.stdout, stderr: e.stderr })
  )

/** `deal ARGS…` from the repository's folder. */
export const deal = (...args: Array<string>): Promise<Ran> => runDeal(args)

/** The last line of a command's output (deal's one-line errors). */
export const lastLine = (text: string): string | undefined => text.trim().split("\n").at(-1)
