import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
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

describe.skipIf(chromium === undefined)("deal label in a real browser (puppeteer-core driving Debian's Chromium)", () => {
  it("labels with the keyboard, undoes, survives a reload, and shows items chosen by a retrained model", async () => {
    const { default: puppeteer } = await import("puppeteer-core")
    const dir = mkdtempSync(join(tmpdir(), "deal-browser-"))
    const lines = Array.from({ length: 120 }, (_, i) => JSON.stringify({ id: `m${i}`, text: Array.from({ length: 8 }, (_, k) => (i % 2 ? spam : ham)[(i * 7 + k * 3) % 6]).join(" ") }))
    writeFileSync(join(dir, "mail.jsonl"), lines.join("\n") + "\n")
    const server = spawn("node", [bin, "label", "--dataset_name", `jsonl:${join(dir, "mail.jsonl")}`, "--text", "text", "--classes", "ham,spam", "--model", "logreg", "--lr", "0.05", "--retrain_every", "4", "--out", join(dir, "run"), "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] })
    children.push(server)
    let out = ""
    server.stdout!.on("data", (b: Buffer) => void (out += b.toString()))
    while (!/http:\/\/\S+/.test(out)) await new Promise((r) => setTimeout(r, 50))
    const url = /http:\/\/\S+/.exec(out)![0]
    const state = async () => ((await (await fetch(new URL("/api/state", url))).json()) as { status: { labeled: number; answers: number; version: number } }).status

    const browser = await puppeteer.launch({ executablePath: chromium, args: ["--no-sandbox", "--disable-gpu"], headless: true })
    try {
      const page = await browser.newPage()
      await page.setViewport({ width: 1100, height: 700 })
      await page.goto(url)
      const shownText = () => page.$eval("#item pre", (e) => e.textContent ?? "")
      await page.waitForSelector("#item pre")
      // a person who reads each email and presses 1 (ham) or 2 (spam)
      const answer = async () => {
        await page.waitForSelector("#item pre")
        const text = await shownText()
        const item = await page.$eval("#item", (e) => e.getAttribute("data-item"))
        const isHam = ham.some((w) => text.includes(w))
        await page.keyboard.press(isHam ? "1" : "2")
        await page.waitForFunction(`document.querySelector("#item").getAttribute("data-item") !== ${JSON.stringify(item)}`)
      }
      for (let i = 0; i < 6; i++) await answer()
      const waitFor = async (ok: (s: Awaited<ReturnType<typeof state>>) => boolean) => {
        for (let waited = 0; !ok(await state()); waited += 100) {
          if (waited > 20_000) throw new Error(`the server never reached the state: ${JSON.stringify(await state())}`)
          await new Promise((r) => setTimeout(r, 100))
        }
      }
      await waitFor((s) => s.labeled === 6)
      await page.keyboard.press("z")
      await waitFor((s) => s.labeled === 5)
      await page.reload()
      await page.waitForSelector("#item pre")
      for (let i = 0; i < 6; i++) await answer()
      await waitFor((s) => s.labeled === 11 && s.version >= 2)
      // the items shown now come from a retrained model, and the page says so
      for (let i = 0; i < 12; i++) await answer()
      const note = await page.$eval("#note", (e) => e.textContent)
      expect(note).toMatch(/^chosen by model [1-9]\d*$/)
      const progress = await page.$eval("#progress", (e) => e.textContent)
      expect(progress).toMatch(/labelled · model \d+/)
      if (process.env.DEAL_SCREENSHOTS !== undefined) await page.screenshot({ path: join(process.env.DEAL_SCREENSHOTS, "label-text.png") })
    } finally {
      await browser.close()
      server.kill("SIGTERM")
    }
  }, 120_000)
})
