import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** A redis-server on 127.0.0.1 for the tests: its URL and how to stop it. */
export interface RedisServer {
  readonly url: string
  readonly stop: () => Promise<void>
}

/** A TCP port free on 127.0.0.1 just now. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/**
 * Starts Debian's `redis-server` (`.ci/run` installs it) on 127.0.0.1 and a free port, keeping
 * nothing on disk, or says why it cannot. Waits until it answers PING.
 */
export const startRedis = async (): Promise<RedisServer | { readonly skip: string }> => {
  try {
    execFileSync("sh", ["-c", "command -v redis-server && command -v redis-cli"], { stdio: "ignore" })
  } catch {
    return { skip: "no redis-server or redis-cli (Debian's redis-server; .ci/run installs it)" }
  }
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), "deal-redis-"))
  const server: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
    stdio: "ignore"
  })
  const stop = () =>
    new Promise<void>((done) => {
      if (server.exitCode !== null) return done()
      server.once("exit", () => done())
      server.kill("SIGTERM")
    })
  for (let waited = 0; waited < 10_000; waited += 100) {
    try {
      if (execFileSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" }).trim() === "PONG") return { url: `redis://127.0.0.1:${port}`, stop }
    } catch {
      // not up yet
    }
    if (server.exitCode !== null) break
    await sleep(100)
  }
  await stop()
  return { skip: `redis-server did not answer on port ${port}` }
}
