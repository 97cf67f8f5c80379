import { NotifyChunks } from "@chatbot-node/adapters/realtime"
import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"

describe("NotifyChunks", () => {
  it.prop("split then reassembled gives the text back, every chunk under NOTIFY's 8000 bytes", [FastCheck.string({ unit: "binary", maxLength: 20_000 }), FastCheck.integer({ min: 2, max: 3000 })], ([text, units]) => {
    const chunks = NotifyChunks.split("me", "id1", text, units)
    for (const c of chunks) expect(Buffer.byteLength(c, "utf8")).toBeLessThan(8000)
    const assembler = NotifyChunks.makeAssembler()
    const results = chunks.map((c) => assembler.push(c, 0))
    expect(results.slice(0, -1).every((r) => r === undefined)).toBe(true)
    expect(results.at(-1)).toEqual({ sender: "me", text })
    expect(assembler.pending()).toBe(0)
  })

  it("keeps interleaved messages of two senders apart and drops a message whose chunks stop coming", () => {
    const assembler = NotifyChunks.makeAssembler(1000)
    const a = NotifyChunks.split("a", "1", "x".repeat(5000))
    const b = NotifyChunks.split("b", "1", "y".repeat(4500))
    const out: Array<unknown> = []
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i]) out.push(assembler.push(a[i]!, 0))
      if (b[i]) out.push(assembler.push(b[i]!, 0))
    }
    expect(out.filter((r) => r !== undefined)).toEqual([{ sender: "a", text: "x".repeat(5000) }, { sender: "b", text: "y".repeat(4500) }])
    assembler.push(NotifyChunks.split("c", "2", "z".repeat(5000))[0]!, 0)
    expect(assembler.pending()).toBe(1)
    assembler.push(NotifyChunks.split("d", "3", "w".repeat(5000))[0]!, 5000)
    expect(assembler.pending()).toBe(1)
    expect(assembler.push("garbage", 0)).toBeUndefined()
    expect(assembler.push("s|i|3|2|bad index", 0)).toBeUndefined()
  })
})
