// Start-up: how long `deal --version` and `deal strategies` take from a cold process, against a
// bare `node -e ""` on the same machine (the floor any Node command line starts from), and the
// same commands from tsc's separate modules (dist/src/cli/main.js) rather than the bundle the bin
// runs (dist/cli/, scripts/bundle-cli.mjs). The goal is at most 0.5 s each. Run as a process of its own (`node dist/bench/start-up.js`): spawning
// from a parent that holds a large heap (the other benchmarks' tfjs and arquero) costs more.
import { spawnSync } from "node:child_process"
import { fileURLToPath, pathToFileURL } from "node:url"

const bin = fileURLToPath(new URL("../../bin/deal.js", import.meta.url))
const unbundled = fileURLToPath(new URL("../src/cli/main.js", import.meta.url))

/** The median wall-clock seconds of `node ARGS` over `runs` runs (after one warm-up). */
const medianSeconds = (args: ReadonlyArray<string>, runs: number): number => {
  const times: Array<number> = []
  for (let i = 0; i <= runs; i++) {
    const started = performance.now()
    const r = spawnSync(process.execPath, args, { stdio: "ignore" })
    if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}`)
    if (i > 0) times.push((performance.now() - started) / 1000)
  }
  times.sort((a, b) => a - b)
  return times[times.length >> 1]
}

export const benchStartUp = (runs = 7) => {
  const node = medianSeconds(["-e", ""], runs)
  return [
    { command: "node -e \"\" (the floor)", seconds: node.toFixed(3), ratio: "1.0" },
    ...[["--version"], ["strategies"]].flatMap((args) =>
      [[bin, ""], [unbundled, " (unbundled)"]].map(([entry, note]) => {
        const s = medianSeconds([entry, ...args], runs)
        return { command: `deal ${args.join(" ")}${note}`, seconds: s.toFixed(3), ratio: (s / node).toFixed(1) }
      })
    )
  ]
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = benchStartUp()
  console.log("|command|seconds|ratio|\n|:-|:-|:-|")
  for (const r of rows) console.log(`|${r.command}|${r.seconds}|${r.ratio}|`)
}
