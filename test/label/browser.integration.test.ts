import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"

/** Debian's Chromium (`.ci/run` installs it); puppeteer-core downloads no browser. */
const chromium = (() => {
  try {
    return execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], { encoding: "utf8" }).trim() || undefined
  } catch {
    return undefined
  }
})()
if (chromium === undefined) console.log("skipping the browser tests: no chromium (Debian's chromium package; .ci/run installs it)")

const bin = fileURLToPath(new URL("../../bin/deal.js", import.meta.url))
const ham = ["meeting", "notes", "monday", "project", "report", "lunch"]
const spam = ["cheap", "pills", "buy", "winner", "prize", "offer"]

const children: Array<ChildProcess> = []
afterAll(() => children.forEach((c) => c.exitCode === null && c.kill("SIGKILL")))

/** `deal label ARGS` until it prints its URL. */
const serve = async (args: ReadonlyArray<string>) => {
  const child = spawn("node", [bin, "label", ...args], { stdio: ["ignore", "pipe", "inherit"] })
  children.push(child)
  let out = ""
  child.stdout!.on("data", (b: Buffer) => void (out += b.toString()))
  while (!/http:\/\/\S+/.test(out)) {
    if (child.exitCode !== null) throw new Error(`deal label exited: ${out}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return { child, url: /http:\/\/\S+/.exec(out)![0] }
}

interface Status {
  readonly labeled: number
  readonly answers: number
  readonly version: number
  readonly training: boolean
}
const state = async (url: string): Promise<Status> => ((await (await fetch(new URL("/api/state", url))).json()) as { status: Status }).status
/** Waits (up to 30 s) until the server's status passes `ok`. */
const waitFor = async (url: string, ok: (s: Status) => boolean) => {
  for (let waited = 0; !ok(await state(url)); waited += 100) {
    if (waited > 90_000) throw new Error(`the server never reached the state: ${JSON.stringify(await state(url))}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** `n` short emails, even ones about work (ham), odd ones selling something (spam). */
const mail = (n = 120) => {
  const dir = mkdtempSync(join(tmpdir(), "deal-browser-"))
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ id: `m${i}`, text: Array.from({ length: 8 }, (_, k) => (i % 2 ? spam : ham)[(i * 7 + k * 3) % 6]).join(" ") }))
  writeFileSync(join(dir, "mail.jsonl"), lines.join("\n") + "\n")
  return dir
}
const mailArgs = (dir: string) => ["--dataset_name", `jsonl:${join(dir, "mail.jsonl")}`, "--text", "text", "--classes", "ham,spam", "--model", "logreg", "--lr", "0.05", "--out", join(dir, "run")]

const launch = async () => {
  const { default: puppeteer } = await import("puppeteer-core")
  return puppeteer.launch({ executablePath: chromium, args: ["--no-sandbox", "--disable-gpu"], headless: true })
}
type Page = Awaited<ReturnType<Awaited<ReturnType<typeof launch>>["newPage"]>>

/** A person who reads the email shown and presses 1 (ham) or 2 (spam); waits until the next item shows. */
const answerEmail = async (page: Page) => {
  await page.waitForSelector("#item pre")
  const text = await page.$eval("#item pre", (e) => e.textContent ?? "")
  const item = await page.$eval("#item", (e) => e.getAttribute("data-item"))
  const pressed = performance.now()
  await page.keyboard.press(ham.some((w) => text.includes(w)) ? "1" : "2")
  await page.waitForFunction(`document.querySelector("#item").getAttribute("data-item") !== ${JSON.stringify(item)}`, { polling: "mutation" })
  return performance.now() - pressed
}
const screenshots = process.env.DEAL_SCREENSHOTS

describe.skipIf(chromium === undefined)("deal label in a real browser (puppeteer-core driving Debian's Chromium)", () => {
  it("labels with the keyboard, undoes, survives a reload, and shows items chosen by a retrained model", async () => {
    const dir = mail()
    const { child: server, url } = await serve([...mailArgs(dir), "--retrain_every", "4", "--port", "0"])
    const browser = await launch()
    try {
      const page = await browser.newPage()
      await page.setViewport({ width: 1100, height: 700 })
      await page.goto(url)
      // from a key press to the next item on the page, as the test sees it (through the DevTools protocol)
      const latencies: Array<number> = []
      const answer = async () => void latencies.push(await answerEmail(page))
      for (let i = 0; i < 6; i++) await answer()
      await waitFor(url, (s) => s.labeled === 6)
      await page.keyboard.press("z")
      await waitFor(url, (s) => s.labeled === 5)
      await page.reload()
      await page.waitForSelector("#item pre")
      for (let i = 0; i < 6; i++) await answer()
      await waitFor(url, (s) => s.labeled === 11 && s.version >= 2)
      // the items shown now come from a retrained model, and the page says so
      for (let i = 0; i < 12; i++) await answer()
      // the page may be between batches (its queue empty, "loading the next items…"): wait for the next item
      await page.waitForSelector("#item pre")
      const note = await page.$eval("#note", (e) => e.textContent)
      expect(note).toMatch(/^chosen by model [1-9]\d*$/)
      const progress = await page.$eval("#progress", (e) => e.textContent)
      expect(progress).toMatch(/labelled · model \d+/)
      latencies.sort((a, b) => a - b)
      console.log(`deal label in the browser: key press to the next item shown, over ${latencies.length} answers while models retrained: median ${latencies[latencies.length >> 1].toFixed(1)} ms, slowest ${latencies.at(-1)!.toFixed(1)} ms`)
      if (screenshots !== undefined) await page.screenshot({ path: join(screenshots, "label-text.png") })
      await waitFor(url, (s) => s.labeled === 23)
      // a keyword filter: only items with the word, the word marked
      await page.keyboard.press("/")
      await page.keyboard.type("prize")
      await page.keyboard.press("Enter")
      await page.waitForSelector("#item pre mark")
      expect(await page.$$eval("#item pre mark", (ms) => ms.map((m) => m.textContent))).toContain("prize")
      if (screenshots !== undefined) await page.screenshot({ path: join(screenshots, "label-filter.png") })
      await page.keyboard.press("Escape")
      await page.waitForFunction(`document.querySelector("#item pre") !== null && document.querySelector("#item pre mark") === null`)
      await page.keyboard.press("2")
      await waitFor(url, (s) => s.labeled === 24)
    } finally {
      await browser.close()
      server.kill("SIGTERM")
    }
  }, 120_000)

  it("keeps an answer made while the server is down: the page retries until the restarted server acknowledges it", async () => {
    const dir = mail()
    let server = await serve([...mailArgs(dir), "--retrain_every", "100", "--port", "0"])
    const port = new URL(server.url).port
    const browser = await launch()
    try {
      const page = await browser.newPage()
      await page.goto(server.url)
      for (let i = 0; i < 3; i++) await answerEmail(page)
      await waitFor(server.url, (s) => s.labeled === 3)
      server.child.kill("SIGKILL")
      await new Promise((r) => server.child.once("exit", r))
      // answered while no server runs: the page shows the next item and says it is retrying
      await answerEmail(page)
      await page.waitForFunction(`document.querySelector("#error").textContent.includes("retrying")`)
      server = await serve(["--resume", join(dir, "run"), "--port", port])
      await waitFor(server.url, (s) => s.labeled === 4)
      await page.waitForFunction(`document.querySelector("#error").textContent === ""`)
      await answerEmail(page)
      await waitFor(server.url, (s) => s.labeled === 5 && s.answers === 5)
    } finally {
      await browser.close()
      server.child.kill("SIGTERM")
    }
  }, 120_000)

  it("shows images one at a time and as a grid, labelled with the keyboard", async () => {
    const { default: sharp } = await import("sharp")
    const dir = mkdtempSync(join(tmpdir(), "deal-browser-images-"))
    // circles and squares in a few colours, 96 × 96: 40 to label, 10 of each to test on
    const shape = (i: number, kind: "circle" | "square") => {
      const colour = ["#d33", "#36c", "#393", "#c90"][i % 4]
      const r = 20 + (i % 3) * 8
      const body = kind === "circle" ? `<circle cx="48" cy="48" r="${r}" fill="${colour}"/>` : `<rect x="${48 - r}" y="${48 - r}" width="${2 * r}" height="${2 * r}" fill="${colour}"/>`
      return sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96"><rect width="96" height="96" fill="#f4f1ea"/>${body}</svg>`)).png().toBuffer()
    }
    for (const kind of ["circle", "square"] as const) {
      mkdirSync(join(dir, "unlabeled", `batch-${kind === "circle" ? 1 : 2}`), { recursive: true })
      mkdirSync(join(dir, "test", kind), { recursive: true })
      for (let i = 0; i < 20; i++) writeFileSync(join(dir, "unlabeled", `batch-${kind === "circle" ? 1 : 2}`, `${kind[0]}${i}.png`), await shape(i, kind))
      for (let i = 0; i < 10; i++) writeFileSync(join(dir, "test", kind, `${i}.png`), await shape(i + 20, kind))
    }
    const server = await serve(["--dataset_name", `folder:${dir}`, "--img_size", "16", "--retrain_every", "6", "--out", join(dir, "run"), "--port", "0"])
    const browser = await launch()
    try {
      const page = await browser.newPage()
      await page.setViewport({ width: 1100, height: 760 })
      await page.goto(server.url)
      await page.waitForFunction(`(() => { const i = document.querySelector("#item img"); return i !== null && i.complete && i.naturalWidth === 96 })()`)
      const pressFor = (item: string | null) => page.keyboard.press(/\/c\d+\.png$/.test(item ?? "") ? "1" : "2")
      for (let i = 0; i < 3; i++) {
        const item = await page.$eval("#item", (e) => e.getAttribute("data-item"))
        await pressFor(item)
        await page.waitForFunction(`document.querySelector("#item").getAttribute("data-item") !== ${JSON.stringify(item)}`)
      }
      if (screenshots !== undefined) await page.screenshot({ path: join(screenshots, "label-image.png") })
      // the grid: a card per item, the selected one labelled by its key, the selection moving on
      await page.keyboard.press("g")
      await page.waitForSelector("#grid .card img")
      await page.waitForFunction(`document.querySelectorAll("#grid .card img").length === 12 && [...document.querySelectorAll("#grid .card img")].every((i) => i.complete && i.naturalWidth === 96)`)
      const labelSelected = async () => {
        const item = await page.$eval("#grid", (e) => e.getAttribute("data-item"))
        await pressFor(item)
        await page.waitForFunction(`document.querySelector("#grid").getAttribute("data-item") !== ${JSON.stringify(item)}`)
      }
      for (let i = 0; i < 5; i++) await labelSelected()
      expect(await page.$$eval("#grid .card.done", (cs) => cs.length)).toBe(5)
      // the last card of the grid answered, the next grid comes
      for (let i = 5; i < 12; i++) await labelSelected()
      await page.waitForFunction(`document.querySelectorAll("#grid .card").length === 12 && document.querySelectorAll("#grid .card.done").length === 0`)
      for (let i = 0; i < 7; i++) await labelSelected()
      // every model due has trained (how many labels each took depends on the machine's speed, at least two models by now)
      await waitFor(server.url, (s) => s.labeled === 22 && !s.training && s.version >= 2)
      // the rest of this grid, then a grid that a retrained model chose
      for (let i = 0; i < 5; i++) await labelSelected()
      await page.waitForFunction(`document.querySelectorAll("#grid .card").length > 0 && document.querySelectorAll("#grid .card.done").length === 0`)
      expect(await page.$eval("#note", (e) => e.textContent)).toMatch(/^chosen by model [1-9]\d*$/)
      await waitFor(server.url, (s) => s.labeled === 27)
      await new Promise((r) => setTimeout(r, 1000))
      if (screenshots !== undefined) await page.screenshot({ path: join(screenshots, "label-grid.png") })
      const labels = (await (await fetch(new URL("/api/state", server.url))).json()) as { classes: Array<string> }
      expect(labels.classes).toEqual(["circle", "square"])
    } finally {
      await browser.close()
      server.child.kill("SIGTERM")
    }
  }, 120_000)
})
