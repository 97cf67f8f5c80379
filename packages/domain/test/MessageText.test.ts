import { describe, expect, it } from "@effect/vitest"
import { MessageText } from "@chatbot-node/domain"
import { Either, FastCheck } from "effect"

describe("MessageText", () => {
  it("removes controls and NUL, replaces lone surrogates, keeps every other character", () => {
    expect(MessageText.normalize("  hi\u0000 there\u0007\n")).toBe("hi there")
    expect(MessageText.normalize("a\ud800b")).toBe("a\ufffdb")
    expect(MessageText.normalize("😀 你好 مرحبا e\u0301")).toBe("😀 你好 مرحبا e\u0301")
  })

  it("refuses empty and too long messages, counting code points", () => {
    expect(Either.getLeft(MessageText.validate(" \u0000 ")).pipe((l) => l._tag === "Some" && l.value._tag)).toBe("EmptyMessage")
    expect(Either.isRight(MessageText.validate("😀".repeat(4000)))).toBe(true)
    expect(Either.getLeft(MessageText.validate("😀".repeat(4001))).pipe((l) => l._tag === "Some" && l.value._tag)).toBe("MessageTooLong")
  })

  it("always yields well-formed text without NUL (1,000 runs)", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.string({ unit: "binary" }), (s) => {
        const out = MessageText.normalize(s)
        expect(out.includes("\u0000")).toBe(false)
        expect(() => encodeURIComponent(out)).not.toThrow()
        expect(MessageText.normalize(out)).toBe(out)
      }),
      { numRuns: 1000 }
    )
  })
})
