import { describe, expect, it } from "@effect/vitest"
import { parse, parseInline, safeHref } from "../../src/ui/Markdown.js"

describe("Markdown (the safe subset)", () => {
  it("keeps HTML as text: no piece is markup", () => {
    const payload = `<img src=x onerror="alert(1)"><script>alert(2)</script>`
    expect(parseInline(payload)).toEqual([{ kind: "text", text: payload }])
  })

  it("reads bold, emphasis, code and links", () => {
    expect(parseInline("**Trail shoes** are *light*, see `SKU-1` or [the page](https://shop.example/p?id=1)")).toEqual([
      { kind: "strong", text: "Trail shoes" },
      { kind: "text", text: " are " },
      { kind: "em", text: "light" },
      { kind: "text", text: ", see " },
      { kind: "code", text: "SKU-1" },
      { kind: "text", text: " or " },
      { kind: "link", text: "the page", href: "https://shop.example/p?id=1" }
    ])
  })

  it("never makes a link of javascript:, data: or relative targets", () => {
    for (const href of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>", "//evil.example", "/path", " javascript:x"]) {
      expect(safeHref(href)).toBeUndefined()
      expect(parseInline(`[click](${href})`).some((p) => p.kind === "link")).toBe(false)
    }
    expect(parseInline("go to https://shop.example/a.")).toEqual([
      { kind: "text", text: "go to " },
      { kind: "link", text: "https://shop.example/a", href: "https://shop.example/a" },
      { kind: "text", text: "." }
    ])
  })

  it("splits paragraphs and bullet lists; asterisks inside words stay text", () => {
    const blocks = parse("Here:\n- one\n- **two**\n\nBye 2*3*4")
    expect(blocks.map((b) => b.kind)).toEqual(["p", "ul", "p"])
    expect(blocks[1]).toEqual({ kind: "ul", items: [[{ kind: "text", text: "one" }], [{ kind: "strong", text: "two" }]] })
    expect(blocks[2]).toEqual({ kind: "p", lines: [[{ kind: "text", text: "Bye 2*3*4" }]] })
  })
})
