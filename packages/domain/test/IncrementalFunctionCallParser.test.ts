import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import {
  FunctionCallBegin as B,
  FunctionCallEnd as E,
  makeIncrementalParser,
  parse
} from "../src/logic/FunctionCallMarkup.js"
import type { FunctionCall } from "../src/model/FunctionCall.js"

const runs = { fastCheck: { numRuns: 1000 } }
const tag = "<think_never_used_51bce0c785ca2f68081bfa7d91973934>"
const closeTag = "</think_never_used_51bce0c785ca2f68081bfa7d91973934>"
const prefixes = (s: string) => Array.from({ length: s.length - 1 }, (_, i) => s.slice(0, i + 1))
const suffixes = (s: string) => Array.from({ length: s.length - 1 }, (_, i) => s.slice(i + 1))

/** Characters that make markup interesting: marker parts, JSON punctuation, CJK, an emoji, newlines. */
const char = fc.constantFrom(
  "a", "b", " ", "\n", "好", "的", "查", "找", "😀", "<", "|", ">", "]", "[", "{", "}", "\"", "/", ":", ",",
  "F", "C", "E", "t", "1"
)
const text = fc.oneof(
  fc.array(char, { maxLength: 8 }).map((cs) => cs.join("")),
  fc.string({ maxLength: 6 }),
  fc.fullUnicodeString({ maxLength: 4 })
)
const markerBit = fc.constantFrom(
  B, E, `]${E}`, "</think>", tag, closeTag, "<think_never_used_x", "<|FunctionCallBeginning|>",
  ...prefixes(B), ...prefixes(E), ...prefixes(tag), ...prefixes(closeTag), ...suffixes(B), ...suffixes(E)
)
const args = fc.dictionary(fc.constantFrom("keyword", "id", "page", "q"), fc.oneof(fc.string(), fc.integer()), {
  maxKeys: 3
})
const block = fc.oneof(
  args.map((a) => `${B}[{"name":"get_product_list","parameters":${JSON.stringify(a)}}]${E}`),
  args.map((a) => `${B}\n  {"name":"search","arguments":${JSON.stringify(JSON.stringify(a))}}  \n${E}`),
  args.map((a) => `${B}[{"type":"function","function":{"name":"f","arguments":${JSON.stringify(a)}}}]${E}`),
  fc.constant(`${B}[{"name":"transfer_to_agent"}]${E}`),
  fc.constant(`${B}[{"name":"get","parameters":{"id":7281192623887548473}}]${E}`),
  fc.constant(`${B}用户想买鞋，我应该调用工具</think>[{"name":"get_product_list","parameters":{"keyword":"鞋"}}]${E}`),
  fc.constant(`${B}${tag}[{"name":"a"}]${closeTag}${E}`),
  fc.constant(`${B}[{"name":"a"},{"name":""}]${E}`),
  fc.constant(`${B}{not json${E}`),
  fc.constant(`${B}[{"name":"unterminated","parameters":{}}]`),
  text.map((t) => `${B}${t}${E}`)
)
/** Inputs mixing text, markers, partial markers, leaks and blocks of every variant. */
const input = fc.array(fc.oneof(text, markerBit, block), { maxLength: 12 }).map((ps) => ps.join(""))
const splits = fc.array(fc.nat(), { maxLength: 12 })
/** A marker split in two around removed markup (nested up to three deep): the halves must not rejoin. */
const cut = fc.oneof(block, fc.constantFrom(E, `]${E}`, tag, closeTag, "<|FunctionCallX|>", `${B}[]`))
const sandwich = fc.letrec((tie) => ({
  s: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    cut,
    fc.tuple(fc.constantFrom(B, E, "<|FunctionCall"), fc.nat(), tie("s")).map(([m, k, inner]) => {
      const at = 1 + (k % (m.length - 1))
      return m.slice(0, at) + inner + m.slice(at)
    })
  )
})).s

const chunk = (s: string, points: ReadonlyArray<number>): Array<string> => {
  const cuts = [...new Set(points.map((p) => (s.length === 0 ? 0 : p % (s.length + 1))))].sort((a, b) => a - b)
  const out: Array<string> = []
  let from = 0
  for (const c of cuts) {
    out.push(s.slice(from, c))
    from = c
  }
  out.push(s.slice(from))
  return out
}

const plain = (calls: ReadonlyArray<FunctionCall>) => JSON.stringify(calls.map((c) => [c.name, c.arguments, c.id]))

describe("IncrementalFunctionCallParser", () => {
  it.prop("for every split, the concatenated stream output equals the batch parse", [input, splits], ([s, points]) => {
    const parser = makeIncrementalParser()
    let streamed = ""
    const calls: Array<FunctionCall> = []
    for (const c of chunk(s, points)) {
      const out = parser.push(c)
      streamed += out.text
      calls.push(...out.calls)
    }
    const last = parser.end()
    const batch = parse(s)
    expect(streamed + last.text).toBe(batch.text)
    expect(plain([...calls, ...last.calls])).toBe(plain(batch.calls))
    expect(last.malformed).toEqual(batch.malformed)
  }, runs)

  it.prop("text released by push never holds a marker, and is always a prefix of the final text", [input, splits], ([s, points]) => {
    const final = parse(s).text
    const parser = makeIncrementalParser()
    let released = ""
    for (const c of chunk(s, points)) {
      const out = parser.push(c)
      expect(out.text).not.toContain("<|FunctionCall")
      released += out.text
      expect(final.startsWith(released)).toBe(true)
    }
    expect(released + parser.end().text).toBe(final)
  }, runs)

  it.prop("one character at a time gives the batch result", [input], ([s]) => {
    const parser = makeIncrementalParser()
    let streamed = ""
    let calls = 0
    for (const c of s) {
      const out = parser.push(c)
      streamed += out.text
      calls += out.calls.length
    }
    const last = parser.end()
    const batch = parse(s)
    expect(streamed + last.text).toBe(batch.text)
    expect(calls + last.calls.length).toBe(batch.calls.length)
  }, runs)

  it.prop("the visible text never contains a marker, not even one formed across removed markup", [input], ([s]) => {
    expect(parse(s).text).not.toContain("<|FunctionCall")
  }, runs)

  it.prop("marker halves around removed markup never rejoin, batch or streamed", [sandwich, text, splits], ([s, t, points]) => {
    const input = t + s + t
    const batch = parse(input)
    expect(batch.text).not.toContain("<|FunctionCall")
    const parser = makeIncrementalParser()
    let streamed = ""
    for (const c of chunk(input, points)) streamed += parser.push(c).text
    expect(streamed + parser.end().text).toBe(batch.text)
  }, runs)

  it.prop("parse never throws on marker-heavy strings", [input], ([s]) => {
    const r = parse(s)
    expect(typeof r.text).toBe("string")
  }, runs)

  it("emits a call as soon as its End marker arrives, and holds back only a possible marker start", () => {
    const parser = makeIncrementalParser()
    expect(parser.push("好的<|Function").text).toBe("好的")
    expect(parser.push("CallBegin|>[{\"name\":\"a\"}]<|Func").calls).toEqual([])
    const closed = parser.push("tionCallEnd|>以下")
    expect(closed.text).toBe("以下")
    expect(closed.calls.map((c) => c.name)).toEqual(["a"])
    expect(parser.push("结果]").text).toBe("结果")
    expect(parser.push("x").text).toBe("]x")
    expect(parser.end()).toEqual({ text: "", calls: [], malformed: [] })
  })

  it("can be reused after end", () => {
    const parser = makeIncrementalParser()
    parser.push(`${B}{oops`)
    expect(parser.end().malformed).toEqual(["{oops"])
    expect(parser.push("again").text).toBe("again")
    expect(parser.end().malformed).toEqual([])
  })
})
