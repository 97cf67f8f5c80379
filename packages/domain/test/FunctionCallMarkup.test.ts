import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc, Schema } from "effect"
import {
  FunctionCallBegin as B,
  FunctionCallEnd as E,
  type MarkupPart,
  parse,
  parseJsonLossless,
  render
} from "../src/logic/FunctionCallMarkup.js"
import { FunctionCall } from "../src/model/FunctionCall.js"

const runs = { fastCheck: { numRuns: 1000 } }
const e15 = 1_000_000_000_000_000n
const e19 = 10_000_000_000_000_000_000n
const tag = "think_never_used_51bce0c785ca2f68081bfa7d91973934"

const calls = (s: string) => parse(s).calls.map((c) => ({ name: c.name, arguments: c.arguments }))

describe("FunctionCallMarkup.parse", () => {
  it("takes a block out of a Chinese reply and keeps the text around it", () => {
    const r = parse(`好的，我来帮您查找${B}[{"name":"get_product_list","parameters":{"keyword":"运动鞋"}}]${E}以下是结果`)
    expect(r.text).toBe("好的，我来帮您查找以下是结果")
    expect(r.calls).toEqual([new FunctionCall({ name: "get_product_list", arguments: { keyword: "运动鞋" } })])
    expect(r.calls[0]).toBeInstanceOf(FunctionCall)
    expect(r.malformed).toEqual([])
  })

  it("accepts an array or a single object", () => {
    expect(calls(`${B}[{"name":"a","parameters":{"x":1}},{"name":"b","parameters":{}}]${E}`)).toEqual([
      { name: "a", arguments: { x: 1 } },
      { name: "b", arguments: {} }
    ])
    expect(calls(`${B}{"name":"a","parameters":{"x":1}}${E}`)).toEqual([{ name: "a", arguments: { x: 1 } }])
  })

  it("accepts parameters or arguments, as an object or as a JSON string", () => {
    const want = [{ name: "s", arguments: { q: "鞋" } }]
    expect(calls(`${B}[{"name":"s","parameters":{"q":"鞋"}}]${E}`)).toEqual(want)
    expect(calls(`${B}[{"name":"s","arguments":{"q":"鞋"}}]${E}`)).toEqual(want)
    expect(calls(`${B}[{"name":"s","arguments":"{\\"q\\":\\"鞋\\"}"}]${E}`)).toEqual(want)
    expect(calls(`${B}[{"name":"s","parameters":"{\\"q\\":\\"鞋\\"}"}]${E}`)).toEqual(want)
  })

  it("accepts OpenAI-style entries and keeps their id", () => {
    const r = parse(`${B}[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\\"a\\":2}"}}]${E}`)
    expect(r.calls).toEqual([new FunctionCall({ name: "f", arguments: { a: 2 }, id: "call_1" })])
  })

  it("tolerates whitespace and newlines around the JSON", () => {
    expect(calls(`${B}\n\n  [ {"name": "a"} ]\n\t${E}`)).toEqual([{ name: "a", arguments: {} }])
  })

  it("gives a call with no parameters an empty object, and an empty arguments string too", () => {
    expect(calls(`${B}[{"name":"transfer_to_agent"}]${E}`)).toEqual([{ name: "transfer_to_agent", arguments: {} }])
    expect(calls(`${B}[{"name":"t","arguments":""}]${E}`)).toEqual([{ name: "t", arguments: {} }])
    expect(calls(`${B}[{"name":"t","parameters":null}]${E}`)).toEqual([{ name: "t", arguments: {} }])
  })

  it("reads several blocks with text before, between and after them", () => {
    const r = parse(`前${B}[{"name":"a"}]${E}中${B}{"name":"b"}${E}后`)
    expect(r.text).toBe("前中后")
    expect(r.calls.map((c) => c.name)).toEqual(["a", "b"])
  })

  it("takes the JSON after the last </think> when reasoning comes first inside the block", () => {
    const r = parse(`好${B}用户要鞋。</think>再想想</think>\n[{"name":"get_product_list","parameters":{"keyword":"鞋"}}]${E}`)
    expect(r.text).toBe("好")
    expect(r.calls.map((c) => c.name)).toEqual(["get_product_list"])
  })

  it("strips <think_never_used_…> wrapper tags, inside blocks and in the text", () => {
    expect(calls(`${B}<${tag}>[{"name":"a"}]</${tag}>${E}`)).toEqual([{ name: "a", arguments: {} }])
    expect(calls(`${B}想一想</${tag}>[{"name":"a"}]${E}`)).toEqual([{ name: "a", arguments: {} }])
    expect(parse(`<${tag}></${tag}>我明白啦`).text).toBe("我明白啦")
  })

  it("hides an unmatched Begin and everything after it, counting its calls when they parse", () => {
    expect(parse(`好的${B}[{"name":"a","parameters":{"k":1}}]`)).toEqual({
      text: "好的",
      calls: [new FunctionCall({ name: "a", arguments: { k: 1 } })],
      malformed: []
    })
    expect(parse(`好的${B}[{"name":"a","parame`)).toEqual({ text: "好的", calls: [], malformed: [`[{"name":"a","parame`] })
  })

  it("never shows stray End tokens or the ]<|FunctionCallEnd|> leak", () => {
    expect(parse(`结果]${E}如下`).text).toBe("结果如下")
    expect(parse(`a${E}b${E}`).text).toBe("ab")
    expect(parse(`]${E}`).text).toBe("")
    expect(parse(`[1, 2]`).text).toBe("[1, 2]")
  })

  it("keeps 19-digit ids exact, as strings, in objects and in JSON-string arguments", () => {
    expect(calls(`${B}[{"name":"get","parameters":{"id":7281192623887548473,"n":42,"f":1.5}}]${E}`)).toEqual([
      { name: "get", arguments: { id: "7281192623887548473", n: 42, f: 1.5 } }
    ])
    expect(calls(`${B}{"name":"get","arguments":"{\\"ids\\":[-7281192623887548473, 1]}"}${E}`)).toEqual([
      { name: "get", arguments: { ids: ["-7281192623887548473", 1] } }
    ])
    expect(parseJsonLossless(`{"s":"7281192623887548473 \\" 7281192623887548473","n":1e300}`)).toEqual({
      s: "7281192623887548473 \" 7281192623887548473",
      n: 1e300
    })
  })

  it("finds the JSON when prose or a code fence surrounds it inside the block", () => {
    expect(calls(`${B}我来搜索一下：[{"name":"a","parameters":{"q":"[x]"}}] 好的${E}`)).toEqual([
      { name: "a", arguments: { q: "[x]" } }
    ])
    expect(calls(`${B}\`\`\`json\n[{"name":"a"}]\n\`\`\`${E}`)).toEqual([{ name: "a", arguments: {} }])
  })

  it("reports an unparseable block in malformed, raw, and still hides it", () => {
    const r = parse(`a${B} {oops: ${E}b`)
    expect(r).toEqual({ text: "ab", calls: [], malformed: [" {oops: "] })
  })

  it("drops entries without a usable name into malformed, keeping the good ones", () => {
    const body = `[{"name":"ok"},{"name":""},{"parameters":{}},{"name":3},"x",{"name":"bad","arguments":"[1]"}]`
    const r = parse(`${B}${body}${E}`)
    expect(r.calls.map((c) => c.name)).toEqual(["ok"])
    expect(r.malformed).toEqual([body])
  })

  it("treats a Begin inside an open block as the end of that block", () => {
    const r = parse(`${B}[{"name":"a"}]${B}[{"name":"b"}]${E}x`)
    expect(r.calls.map((c) => c.name)).toEqual(["a", "b"])
    expect(r.text).toBe("x")
  })

  it("drops other <|FunctionCall…|> tokens and marker pieces pressed against removed markup", () => {
    expect(parse(`a<|FunctionCallBeginning|>b<|FunctionCall`).text).toBe("ab")
    expect(parse(`<|Func${B}[]${E}tionCall`).text).toBe("tionCall")
    expect(parse(`x <|Fun`).text).toBe("x <|Fun")
  })

  it("is empty-handed on an empty block and on plain text", () => {
    expect(parse(`${B}${E}`)).toEqual({ text: "", calls: [], malformed: [] })
    expect(parse("你好 <b>world</b> a<b")).toEqual({ text: "你好 <b>world</b> a<b", calls: [], malformed: [] })
  })

  it.prop("never throws on any string", [fc.string()], ([s]) => {
    expect(typeof parse(s).text).toBe("string")
  }, runs)

  it.prop("never throws on any full-unicode string", [fc.fullUnicodeString()], ([s]) => {
    expect(typeof parse(s).text).toBe("string")
  }, runs)

  it.prop(
    "parseJsonLossless reads any JSON as JSON.parse does, except integers of more than 15 digits, kept exact as strings",
    [fc.jsonValue(), fc.array(fc.bigInt({ min: -e19, max: e19 }).filter((n) => n >= e15 || n <= -e15), { maxLength: 3 })],
    ([tree, longs]) => {
      const text = JSON.stringify({ tree, longs: 0 }).replace(/0\}$/, `[${longs.join(",")}]}`)
      const lossless = (u: unknown): unknown =>
        typeof u === "number"
          ? /^-?\d{16,}$/.test(JSON.stringify(u)) ? JSON.stringify(u) : u
          : Array.isArray(u)
          ? u.map(lossless)
          : typeof u === "object" && u !== null
          ? Object.fromEntries(Object.entries(u).map(([k, v]) => [k, lossless(v)]))
          : u
      expect(parseJsonLossless(text)).toEqual({ tree: lossless(JSON.parse(JSON.stringify(tree))), longs: longs.map(String) })
    },
    runs
  )

  it.prop("leaves text without markup characters untouched", [fc.string()], ([s]) => {
    fc.pre(!s.includes("<") && !s.includes("]"))
    expect(parse(s)).toEqual({ text: s, calls: [], malformed: [] })
  }, runs)
})

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/)
const key = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/)
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.string(),
    fc.fullUnicodeString({ maxLength: 5 }),
    fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }),
    // ±1e15 excluded: it is written with 16 digits, and parse keeps integers of more than 15 digits
    // exact, as strings (the example test below), so it would not come back as a number.
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15, minExcluded: true, maxExcluded: true }),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom("7281192623887548473", `${E}`, "</think>")
  ),
  node: fc.oneof({ depthSize: "small" }, tie("leaf"), fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(key, tie("node"), { maxKeys: 3 }))
}))
const call = fc.record({
  name,
  arguments: fc.dictionary(key, value.node, { maxKeys: 4 }),
  id: fc.option(fc.string({ minLength: 1 }), { nil: undefined })
}).map(({ arguments: a, id, name }) => new FunctionCall(id === undefined ? { name, arguments: a } : { name, arguments: a, id }))
const plainText = fc.string().filter((s) => !s.includes("<"))
const part: fc.Arbitrary<MarkupPart> = fc.oneof(plainText, call, fc.array(call, { maxLength: 3 }))

describe("FunctionCallMarkup.render", () => {
  it.prop("render → parse gives back the text and the calls", [fc.array(part, { maxLength: 8 })], ([parts]) => {
    const r = parse(render(parts))
    expect(r.text).toBe(parts.filter((p) => typeof p === "string").join(""))
    const want = parts.flatMap((p) => (typeof p === "string" ? [] : p instanceof FunctionCall ? [p] : p))
    expect(JSON.stringify(r.calls)).toBe(JSON.stringify(want))
    expect(r.calls.map((c) => c.id)).toEqual(want.map((c) => c.id))
    expect(r.malformed).toEqual([])
    for (const c of r.calls) {
      const validated = new FunctionCall(
        c.id === undefined ? { name: c.name, arguments: c.arguments } : { name: c.name, arguments: c.arguments, id: c.id }
      )
      expect(Schema.is(FunctionCall)(c)).toBe(true)
      expect(Object.getPrototypeOf(c)).toBe(FunctionCall.prototype)
      expect(Object.keys(c)).toEqual(Object.keys(validated))
      expect(c).toStrictEqual(validated)
    }
  }, runs)

  it("render → parse gives an integer of more than 15 digits back as its exact string, 15 digits as a number", () => {
    const r = parse(render([new FunctionCall({ name: "a", arguments: { A: -1e15, b: 1e15, c: 10 ** 15 - 1 } })]))
    expect(r.calls).toEqual([
      new FunctionCall({ name: "a", arguments: { A: "-1000000000000000", b: "1000000000000000", c: 999_999_999_999_999 } })
    ])
    expect(r.malformed).toEqual([])
  })

  it("renders Doubao-style markup", () => {
    expect(render(["好的", new FunctionCall({ name: "get_product_list", arguments: { keyword: "<鞋>" } }), "结果"])).toBe(
      `好的${B}[{"name":"get_product_list","parameters":{"keyword":"\\u003c鞋>"}}]${E}结果`
    )
  })
})
