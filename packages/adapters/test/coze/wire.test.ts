import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit, FastCheck } from "effect"
import * as SseParser from "../../src/sse/SseParser.js"
import { parseLossless } from "../../src/coze/LosslessJson.js"

const encoder = new TextEncoder()

/** The bytes of `text` cut at the given offsets (in bytes, so multi-byte characters may be split). */
const chunked = (text: string, cuts: ReadonlyArray<number>) => {
  const bytes = encoder.encode(text)
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const parts: Array<Uint8Array> = []
  let start = 0
  for (const p of [...points, bytes.length]) {
    parts.push(bytes.slice(start, p))
    start = p
  }
  return parts
}

/** The events of a parser fed the parts in turn, then the end. */
const decodeAll = (parts: ReadonlyArray<Uint8Array>) =>
  Effect.suspend(() => {
    const parser = SseParser.makeParser()
    const events = parts.flatMap((part) => parser.feed(part))
    return Either.match(parser.end(), { onLeft: Effect.fail, onRight: (rest) => Effect.succeed([...events, ...rest]) })
  })

const sample = "event:conversation.chat.created\ndata:{\"id\":\"7000000000000000001\"}\n\n" +
  "event: conversation.message.delta\r\ndata: {\"content\":\"你好 👋\"}\r\n\r\n" +
  "event:conversation.message.delta\rdata:{\"content\":\"b\"}\r\r" +
  ": a comment\n\n" +
  "event:done\ndata:\"[DONE]\"\n\n"

describe("SseParser.makeParser on Coze's streams", () => {
  it.effect("reads both `event:x` and `event: x`, CRLF and CR line ends, comments, and leaves `done` data unparsed", () =>
    Effect.gen(function*() {
      const events = yield* decodeAll(chunked(sample, []))
      expect(events).toEqual([
        { event: "conversation.chat.created", data: "{\"id\":\"7000000000000000001\"}" },
        { event: "conversation.message.delta", data: "{\"content\":\"你好 👋\"}" },
        { event: "conversation.message.delta", data: "{\"content\":\"b\"}" },
        { event: "done", data: "\"[DONE]\"" }
      ])
    }))

  it.effect.prop("gives the same events however the bytes are chunked", [FastCheck.array(FastCheck.nat(400), { maxLength: 12 })], ([cuts]) =>
    Effect.gen(function*() {
      const whole = yield* decodeAll(chunked(sample, []))
      const parts = yield* decodeAll(chunked(sample, cuts))
      expect(parts).toEqual(whole)
    }))

  it.effect("an event left open at a clean end is dispatched; text after the last line break is an error", () =>
    Effect.gen(function*() {
      expect(yield* decodeAll(chunked("event:done\ndata:[DONE]\n", []))).toEqual([{ event: "done", data: "[DONE]" }])
      const exit = yield* Effect.exit(decodeAll(chunked("event:x\ndata:{\"a\":1}\n\nevent:y\ndata:{\"trunc", [])))
      expect(Exit.isFailure(exit)).toBe(true)
    }))
})

/** What lossless parsing makes of a parsed value: integers beyond the safe range as their digits. */
const unsafeToDigits = (v: unknown): unknown =>
  typeof v === "number" && Number.isInteger(v) && !Number.isSafeInteger(v) && !/e/.test(String(v))
    ? String(v)
    : Array.isArray(v)
    ? v.map(unsafeToDigits)
    : v !== null && typeof v === "object"
    ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unsafeToDigits(x)]))
    : v

describe("LosslessJson", () => {
  it("keeps unquoted 19-digit integers as their digits and leaves the rest alone", () => {
    const text = "{\"name\":\"x\",\"plugin_id\":7281192623887548473,\"n\":-12,\"f\":1.5e3,\"s\":\"7281192623887548473 in a string \\\" 9007199254740993\"}"
    expect(parseLossless(text)).toEqual(Either.right({
      name: "x",
      plugin_id: "7281192623887548473",
      n: -12,
      f: 1500,
      s: "7281192623887548473 in a string \" 9007199254740993"
    }))
  })

  it.prop(
    "round-trips any JSON value whose big integers are written unquoted",
    [FastCheck.jsonValue(), FastCheck.bigInt({ min: 10n ** 18n, max: 10n ** 19n - 1n })],
    ([value, big]) => {
      const text = JSON.stringify({ id: "__ID__", value }).replace("\"__ID__\"", big.toString())
      const expected = { value: unsafeToDigits(JSON.parse(JSON.stringify(value))), id: big.toString() }
      expect(parseLossless(text)).toEqual(Either.right(expected))
    }
  )

  it.prop(
    "parses any JSON text, compact or indented, as JSON.parse does except for unsafe integers",
    [FastCheck.jsonValue(), FastCheck.boolean()],
    ([value, indented]) => {
      const text = JSON.stringify(value, null, indented ? 2 : undefined)
      expect(parseLossless(text)).toEqual(Either.right(unsafeToDigits(JSON.parse(text))))
    }
  )

  it("quotes an unsafe integer that is the whole text, bare or after whitespace (found by the property above)", () => {
    expect(parseLossless("47247922107147950")).toEqual(Either.right("47247922107147950"))
    expect(parseLossless(" \n-9007199254740993")).toEqual(Either.right("-9007199254740993"))
    expect(parseLossless("9007199254740991")).toEqual(Either.right(9007199254740991))
  })

  it("quotes an unsafe integer after whitespace, in an array, or negative, and leaves 16 safe digits a number", () => {
    expect(parseLossless("{\"a\": \n 7281192623887548473, \"b\":[1,-9007199254740993], \"c\":1234567890123456}")).toEqual(
      Either.right({ a: "7281192623887548473", b: [1, "-9007199254740993"], c: 1234567890123456 })
    )
  })
})
