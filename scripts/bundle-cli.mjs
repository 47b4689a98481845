// The CLI as one bundle (dist/cli/), after tsc has built dist/src: deal's modules with effect's,
// @effect/cli's and @effect/platform's, split into chunks that each command imports when it runs,
// and the worker-thread entries beside them (runtime/thread.ts finds `./worker.js` and
// `./retrain-worker.js` beside the chunk that starts them). Node 20 spends ~0.4 ms on each ES
// module it loads, and `deal --version` loaded ~840 of them (0.78 s); bundled, it starts in
// ~0.4 s (bench: npm run bench -- --startup). Every other dependency (tfjs, transformers, sharp,
// bullmq, vega, …) stays a package, loaded from node_modules when a command needs it, so one
// copy of tfjs serves deal and its backends. The library (`import "deal"`) is dist/src, unbundled.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs"
import { build } from "esbuild"

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
const bundled = (name) => name === "effect" || name.startsWith("@effect/")
const external = [pkg.dependencies, pkg.optionalDependencies, pkg.peerDependencies]
  .flatMap((deps) => Object.keys(deps ?? {}))
  .filter((name) => !bundled(name))
  .flatMap((name) => [name, `${name}/*`])

const out = new URL("../dist/cli/", import.meta.url)
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
await build({
  entryPoints: ["dist/src/cli/main.js", "dist/src/grid/worker.js", "dist/src/label/retrain-worker.js"],
  outdir: "dist/cli",
  entryNames: "[name]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external,
  // CommonJS inside the bundled packages (yaml, ini) asks for `require`
  banner: { js: 'import { createRequire as __dealRequire } from "node:module"; const require = __dealRequire(import.meta.url);' },
  logLevel: "warning"
})
// the wasm backend's pthread worker, found beside the module that starts it (runtime/wasm-threads.ts)
copyFileSync("dist/src/runtime/wasm-pthread-worker.cjs", "dist/cli/wasm-pthread-worker.cjs")
