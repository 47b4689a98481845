/**
 * One document model for reports: a few kinds of block, rendered to Markdown (`summary.md`, for a
 * repository to show) and to one self-contained HTML page (`index.html`, charts inline), so that
 * both say the same thing.
 *
 * Text is plain apart from `code` spans. Markdown gets text as it is (only `|` in table cells is
 * escaped); HTML gets every `&`, `<`, `>` and `"` escaped.
 */
import * as Data from "effect/Data"

/** A piece of running text: plain text, or a `code` span. */
export type Inline = string | { readonly code: string }

/** Text given to a block: a string (where `` `…` `` marks code, as in Markdown) or its pieces. */
export type Text = string | ReadonlyArray<Inline>

/** How a table column's cells line up. */
export type Align = "left" | "right"

export type Block = Data.TaggedEnum<{
  Heading: { readonly level: 1 | 2 | 3; readonly text: ReadonlyArray<Inline> }
  Paragraph: { readonly text: ReadonlyArray<Inline> }
  /** A chart: its SVG inline in HTML, a link to `file` (the same SVG beside the page) in Markdown. */
  Figure: { readonly alt: string; readonly file: string; readonly svg: string }
  Table: { readonly header: ReadonlyArray<string>; readonly rows: ReadonlyArray<ReadonlyArray<string>>; readonly align: ReadonlyArray<Align> }
  BulletList: { readonly items: ReadonlyArray<ReadonlyArray<Inline>> }
}>
export const Block = Data.taggedEnum<Block>()

/** A page: its title (the HTML `<title>`) and its blocks. */
export interface Document {
  readonly title: string
  readonly blocks: ReadonlyArray<Block>
}

/** Splits a string at its `` `code` `` spans. */
export const inline = (text: Text): ReadonlyArray<Inline> =>
  typeof text === "string"
    ? text.split(/`([^`]+)`/).flatMap((piece, i): Array<Inline> => (i % 2 === 1 ? [{ code: piece }] : piece === "" ? [] : [piece]))
    : text

export const heading = (level: 1 | 2 | 3, text: Text): Block => Block.Heading({ level, text: inline(text) })
export const paragraph = (text: Text): Block => Block.Paragraph({ text: inline(text) })
export const figure = (alt: string, file: string, svg: string): Block => Block.Figure({ alt, file, svg })
export const bulletList = (items: ReadonlyArray<Text>): Block => Block.BulletList({ items: items.map(inline) })

/** The alignment the page's style gives a column when the table names none: a label column, then numbers. */
const defaultAlign = (column: number): Align => (column === 0 ? "left" : "right")

/** A table; by default its first column is left-aligned and the others right-aligned. */
export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>, align?: ReadonlyArray<Align>): Block =>
  Block.Table({ header, rows, align: header.map((_, i) => align?.[i] ?? defaultAlign(i)) })

// --- Markdown -------------------------------------------------------------------------------

/** A code span, its fence longer than any run of backticks inside it. */
const markdownCode = (code: string) => {
  const fence = "`".repeat(Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length)) + 1)
  const pad = code.startsWith("`") || code.endsWith("`") ? " " : ""
  return `${fence}${pad}${code}${pad}${fence}`
}

const markdownInline = (text: ReadonlyArray<Inline>) => text.map((p) => (typeof p === "string" ? p : markdownCode(p.code))).join("")

const markdownBlock: (block: Block) => string = Block.$match({
  Heading: ({ level, text }) => `${"#".repeat(level)} ${markdownInline(text)}`,
  Paragraph: ({ text }) => markdownInline(text),
  Figure: ({ alt, file }) => `![${alt}](${file})`,
  Table: ({ header, rows, align }) => {
    const line = (cells: ReadonlyArray<string>) => `| ${cells.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`
    return [line(header), line(align.map((a) => (a === "right" ? "---:" : "---"))), ...rows.map(line)].join("\n")
  },
  BulletList: ({ items }) => items.map((item) => `- ${markdownInline(item)}`).join("\n")
})

/** The document as Markdown: blocks apart by a blank line, figures as links to their files. */
export const toMarkdown = (doc: Document): string => `${doc.blocks.map(markdownBlock).join("\n\n")}\n`

// --- HTML -----------------------------------------------------------------------------------

export const htmlEscape = (s: string): string => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;")

const htmlInline = (text: ReadonlyArray<Inline>) => text.map((p) => (typeof p === "string" ? htmlEscape(p) : `<code>${htmlEscape(p.code)}</code>`)).join("")

const pageStyle =
  "body{font:14px/1.45 system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}" +
  "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}" +
  "th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}figure{margin:1em 0}svg{max-width:100%;height:auto}"

/** A table cell; its alignment is written out only where it differs from the page style's. */
const cell = (tag: "th" | "td", text: string, align: Align, column: number) =>
  `<${tag}${align === defaultAlign(column) ? "" : ` style="text-align:${align}"`}>${htmlEscape(text)}</${tag}>`

const htmlBlock: (block: Block) => string = Block.$match({
  Heading: ({ level, text }) => `<h${level}>${htmlInline(text)}</h${level}>`,
  Paragraph: ({ text }) => `<p>${htmlInline(text)}</p>`,
  Figure: ({ svg }) => `<figure>${svg}</figure>`,
  Table: ({ header, rows, align }) => {
    const row = (tag: "th" | "td", cells: ReadonlyArray<string>) => `<tr>${cells.map((c, i) => cell(tag, c, align[i] ?? defaultAlign(i), i)).join("")}</tr>`
    return `<table><thead>${row("th", header)}</thead><tbody>${rows.map((r) => row("td", r)).join("")}</tbody></table>`
  },
  BulletList: ({ items }) => `<ul>${items.map((item) => `<li>${htmlInline(item)}</li>`).join("")}</ul>`
})

/** The document as one self-contained HTML page: its style in the head, figures' SVG inline, one block a line. */
export const toHtml = (doc: Document): string =>
  [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8"><title>${htmlEscape(doc.title)}</title>`,
    `<style>${pageStyle}</style></head><body>`,
    ...doc.blocks.map(htmlBlock),
    "</body></html>",
    ""
  ].join("\n")
