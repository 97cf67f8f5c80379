import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { makeSseParser } from "../../src/transport/SseReader.js"

const frame = (e: { id: string; event: string; data: string }) =>
  `id: ${e.id}\nevent: ${e.event}\n${e.data.split("\n").map((l) => `data: ${l}`).join("\n")}\n\n`

const event = FastCheck.record({
  id: FastCheck.stringMatching(/^[A-Za-z0-9_-]{1,22}:\d{1,4}$/),
  event: FastCheck.constantFrom("started", "delta", "products", "done"),
  data: FastCheck.string({ maxLength: 40 }).map((s) => s.replace(/\r/g, ""))
})

describe("SseReader", () => {
  it("parses ids, event names, multi-line data and skips heartbeat comments", () => {
    const parse = makeSseParser()
    const out = parse("retry: 2000\n\n: heartbeat\n\nid: a:1\nevent: delta\ndata: {\"text\":\"hi\"}\ndata: more\n\ndata: x\n\n")
    expect(out).toEqual([
      { id: "a:1", event: "delta", data: "{\"text\":\"hi\"}\nmore" },
      { id: "a:1", event: "message", data: "x" }
    ])
  })

  it.prop("gives the same events however the stream is cut", [FastCheck.array(event, { maxLength: 8 }), FastCheck.array(FastCheck.nat(60), { maxLength: 10 })], ([events, cuts]) => {
    const text = events.map(frame).join(": heartbeat\n\n")
    const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)
    const parse = makeSseParser()
    const out = []
    let last = 0
    for (const p of [...points, text.length]) {
      out.push(...parse(text.slice(last, p)))
      last = p
    }
    expect(out).toEqual(events.map((e) => ({ id: e.id, event: e.event, data: e.data })))
  })
})
