import { describe, expect, it } from "vitest"
import { bulletList, type Document, figure, heading, inline, paragraph, table, toHtml, toMarkdown } from "../../src/report/document.js"

const doc: Document = {
  title: `a <b> & "c"`,
  blocks: [
    heading(1, "Report: a|b <x>"),
    paragraph("Run `deal report` on a & b."),
    figure("learning curves", "curves.svg", `<svg width="10"><text>x</text></svg>`),
    table(["strategy", "a|b", "<n>"], [["x|y", "1 & 2", `"q"`], ["z", "3", "4"]]),
    table(["left", "left too"], [["a", "b"]], ["left", "left"]),
    bulletList(["plain", "with `code <i>` inside", [{ code: "a`b" }, " raw"]])
  ]
}

describe("the report document", () => {
  it("splits `code` spans out of text, keeping unmatched backticks as text", () => {
    expect(inline("a `b` c `d`")).toEqual(["a ", { code: "b" }, " c ", { code: "d" }])
    expect(inline("a ` b")).toEqual(["a ` b"])
    expect(inline("")).toEqual([])
  })

  it("renders Markdown: blocks a blank line apart, figures as links, `|` escaped in cells, text as given", () => {
    expect(toMarkdown(doc)).toBe(
      [
        "# Report: a|b <x>",
        "",
        "Run `deal report` on a & b.",
        "",
        "![learning curves](curves.svg)",
        "",
        "| strategy | a\\|b | <n> |",
        "| --- | ---: | ---: |",
        '| x\\|y | 1 & 2 | "q" |',
        "| z | 3 | 4 |",
        "",
        "| left | left too |",
        "| --- | --- |",
        "| a | b |",
        "",
        "- plain",
        "- with `code <i>` inside",
        "- ``a`b`` raw",
        ""
      ].join("\n")
    )
  })

  it("renders one self-contained HTML page: everything escaped, SVG inline, alignment only where the style differs", () => {
    const html = toHtml(doc)
    expect(html.startsWith(`<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>a &lt;b&gt; &amp; &quot;c&quot;</title>\n<style>`)).toBe(true)
    expect(html).toContain("th:first-child,td:first-child{text-align:left}")
    const body = html.slice(html.indexOf("<body>") + "<body>\n".length)
    expect(body).toBe(
      [
        "<h1>Report: a|b &lt;x&gt;</h1>",
        "<p>Run <code>deal report</code> on a &amp; b.</p>",
        `<figure><svg width="10"><text>x</text></svg></figure>`,
        "<table><thead><tr><th>strategy</th><th>a|b</th><th>&lt;n&gt;</th></tr></thead>" +
          "<tbody><tr><td>x|y</td><td>1 &amp; 2</td><td>&quot;q&quot;</td></tr><tr><td>z</td><td>3</td><td>4</td></tr></tbody></table>",
        `<table><thead><tr><th>left</th><th style="text-align:left">left too</th></tr></thead><tbody><tr><td>a</td><td style="text-align:left">b</td></tr></tbody></table>`,
        "<ul><li>plain</li><li>with <code>code &lt;i&gt;</code> inside</li><li><code>a`b</code> raw</li></ul>",
        "</body></html>",
        ""
      ].join("\n")
    )
  })

  it("gives both renderings the same headings", () => {
    const md = [...toMarkdown(doc).matchAll(/^#+ (.*)$/gm)].map((m) => m[1])
    const html = [...toHtml(doc).matchAll(/<h\d>(.*?)<\/h\d>/g)].map((m) => m[1].replaceAll("&lt;", "<").replaceAll("&gt;", ">"))
    expect(html).toEqual(md)
  })
})
