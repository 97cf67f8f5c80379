/** An inline piece of a message: plain text, or text with one style, or a link. */
export type Inline =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "strong" | "em" | "code"; readonly text: string }
  | { readonly kind: "link"; readonly text: string; readonly href: string }

/** A block: a paragraph (its lines) or a bullet list (its items), each a list of inline pieces. */
export type Block =
  | { readonly kind: "p"; readonly lines: ReadonlyArray<ReadonlyArray<Inline>> }
  | { readonly kind: "ul"; readonly items: ReadonlyArray<ReadonlyArray<Inline>> }

/** A link target we follow: http(s) only, anything else (javascript:, data:) stays text. */
export const safeHref = (href: string): string | undefined => {
  try {
    const url = new URL(href, "https://invalid.example/")
    return (url.protocol === "https:" || url.protocol === "http:") && /^https?:\/\//i.test(href.trim()) ? url.href : undefined
  } catch {
    return undefined
  }
}

const inlinePattern = /\*\*([^*\n]+)\*\*|`([^`\n]+)`|\[([^\]\n]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?"'»”」])|(?:^|(?<=[\s(]))[*_]([^*_\n]+)[*_](?=$|[\s).,;:!?])/g

/** Parses one line's inline markdown: **strong**, *em*, `code`, [text](http...) and bare http links. */
export const parseInline = (line: string): Array<Inline> => {
  const out: Array<Inline> = []
  let last = 0
  for (const m of line.matchAll(inlinePattern)) {
    const index = m.index ?? 0
    if (index > last) out.push({ kind: "text", text: line.slice(last, index) })
    if (m[1] !== undefined) out.push({ kind: "strong", text: m[1] })
    else if (m[2] !== undefined) out.push({ kind: "code", text: m[2] })
    else if (m[3] !== undefined) {
      const href = safeHref(m[4] ?? "")
      out.push(href === undefined ? { kind: "text", text: m[0] } : { kind: "link", text: m[3], href })
    } else if (m[5] !== undefined) {
      const href = safeHref(m[5])
      out.push(href === undefined ? { kind: "text", text: m[5] } : { kind: "link", text: m[5], href })
    } else out.push({ kind: "em", text: m[6] ?? "" })
    last = index + m[0].length
  }
  if (last < line.length) out.push({ kind: "text", text: line.slice(last) })
  return out
}

/** Parses a message into blocks: blank lines split paragraphs, `- `/`* `/`• ` lines make a list. */
export const parse = (text: string): Array<Block> => {
  const blocks: Array<Block> = []
  let lines: Array<Array<Inline>> = []
  let items: Array<Array<Inline>> = []
  const flush = () => {
    if (lines.length > 0) blocks.push({ kind: "p", lines })
    if (items.length > 0) blocks.push({ kind: "ul", items })
    lines = []
    items = []
  }
  for (const raw of text.split(/\r?\n/)) {
    const item = /^\s*(?:[-*•]|\d+[.)])\s+(.*)$/.exec(raw)
    if (raw.trim() === "") flush()
    else if (item !== null) {
      if (lines.length > 0) flush()
      items.push(parseInline(item[1] ?? ""))
    } else {
      if (items.length > 0) flush()
      lines.push(parseInline(raw))
    }
  }
  flush()
  return blocks
}

const inlineNode = (doc: Document, piece: Inline): Node => {
  if (piece.kind === "text") return doc.createTextNode(piece.text)
  const el = doc.createElement(piece.kind === "link" ? "a" : piece.kind)
  el.textContent = piece.text
  if (piece.kind === "link") {
    el.setAttribute("href", piece.href)
    el.setAttribute("target", "_blank")
    el.setAttribute("rel", "noopener noreferrer nofollow")
  }
  return el
}

/** Renders text as DOM nodes through text nodes and a few safe elements: never as HTML. */
export const render = (doc: Document, text: string): DocumentFragment => {
  const fragment = doc.createDocumentFragment()
  for (const block of parse(text)) {
    if (block.kind === "p") {
      const p = doc.createElement("p")
      block.lines.forEach((line, i) => {
        if (i > 0) p.append(doc.createElement("br"))
        for (const piece of line) p.append(inlineNode(doc, piece))
      })
      fragment.append(p)
    } else {
      const ul = doc.createElement("ul")
      for (const item of block.items) {
        const li = doc.createElement("li")
        for (const piece of item) li.append(inlineNode(doc, piece))
        ul.append(li)
      }
      fragment.append(ul)
    }
  }
  return fragment
}
