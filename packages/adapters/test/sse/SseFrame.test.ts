import { SseFrame, SseParser } from "@chatbot-node/adapters/sse"
import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"

const message = FastCheck.record({
  id: FastCheck.option(FastCheck.string().filter((s) => !/[\r\n\0]/.test(s) && s.trim() === s && s !== ""), { nil: undefined }),
  event: FastCheck.option(FastCheck.stringMatching(/^[a-z]{1,10}$/), { nil: undefined }),
  data: FastCheck.string()
})

/** Cuts a string at the given fractions. */
const cut = (s: string, points: ReadonlyArray<number>) => {
  const at = Array.from(new Set(points.map((p) => Math.floor(p * s.length)))).sort((a, b) => a - b)
  const parts: Array<string> = []
  let last = 0
  for (const i of at) { parts.push(s.slice(last, i)); last = i }
  parts.push(s.slice(last))
  return parts
}

describe("SseFrame", () => {
  it("frames multi-line data as one data line per line", () => {
    expect(SseFrame.frame({ id: "m:1", event: "delta", data: "a\nb" })).toBe("id: m:1\nevent: delta\ndata: a\ndata: b\n\n")
    expect(SseFrame.comment("ping")).toBe(": ping\n\n")
  })

  it("refuses an id or event with a line break", () => {
    expect(() => SseFrame.frame({ id: "a\nb", data: "" })).toThrow()
    expect(() => SseFrame.frame({ event: "a\rb", data: "" })).toThrow()
  })

  it.prop("round-trips through the parser however the bytes are chunked", [FastCheck.array(message, { maxLength: 8 }), FastCheck.array(FastCheck.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 })], ([messages, points]) => {
    const wire = messages.map((m) => SseFrame.frame(m) + SseFrame.comment("hb")).join("")
    const parser = SseParser.makeParser()
    const parsed = cut(wire, points).flatMap((chunk) => parser.push(chunk))
    let lastId: string | undefined
    const expected = messages.map((m) => {
      lastId = m.id ?? lastId
      return { id: lastId, event: m.event, data: m.data.replace(/\r\n|\r/g, "\n"), retry: undefined }
    })
    expect(parsed).toEqual(expected)
  })
})
