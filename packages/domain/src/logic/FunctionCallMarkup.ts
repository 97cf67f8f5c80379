import { FunctionCall } from "../model/FunctionCall.js"
import { IncrementalFunctionCallParser } from "./IncrementalFunctionCallParser.js"

/** The token a Doubao model writes before a raw function call. */
export const FunctionCallBegin = "<|FunctionCallBegin|>"
/** The token a Doubao model writes after a raw function call. */
export const FunctionCallEnd = "<|FunctionCallEnd|>"

/** What a bot's answer text holds once its function-call markup is taken out. */
export interface ParsedMarkup {
  /** The text a visitor may see, every marker and block removed. */
  readonly text: string
  /** The calls the blocks asked for, in order. */
  readonly calls: ReadonlyArray<FunctionCall>
  /** Raw bodies of blocks that did not decode (or had an unusable entry), kept for logs. */
  readonly malformed: ReadonlyArray<string>
}

/** A streaming parser: feed it answer deltas as they come, then call `end` once. */
export interface IncrementalParser {
  /** Takes a chunk; returns the text that is now safe to show and the calls whose block closed. */
  readonly push: (chunk: string) => { readonly text: string; readonly calls: ReadonlyArray<FunctionCall> }
  /** Ends the input: flushes what was held back, and reports every malformed body; the parser can then be reused. */
  readonly end: () => {
    readonly text: string
    readonly calls: ReadonlyArray<FunctionCall>
    readonly malformed: ReadonlyArray<string>
  }
}

/** One piece of a message to render: text, one call, or several calls in one block. */
export type MarkupPart = string | FunctionCall | ReadonlyArray<FunctionCall>

const noCalls: ReadonlyArray<FunctionCall> = Object.freeze([])
const nothing = Object.freeze({ text: "", calls: noCalls })

type JsonRecord = { readonly [key: string]: unknown }
const isRecord = (u: unknown): u is JsonRecord => typeof u === "object" && u !== null && !Array.isArray(u)

const bigInteger = /\d{16}/

/**
 * A cheap look at text that should hold a JSON object or array, so that most bad bodies (cut off,
 * prose) are turned away without the cost of a thrown SyntaxError: 0 when its ends are wrong, 1 when
 * it may parse, 2 when it may and holds a run of more than 15 digits (a long integer to keep exact).
 */
const shape = (s: string): number => {
  const first = s.charCodeAt(0)
  const last = s.charCodeAt(s.length - 1)
  if ((first !== 91 && first !== 123) || (last !== 93 && last !== 125)) return 0
  return bigInteger.test(s) ? 2 : 1
}

/** `[0-9.eE+-]`: a character that may continue a JSON number. */
const isNumberChar = (c: number) => (c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45

/** Wraps bare integers of more than 15 digits in quotes, so JSON.parse keeps them exact (as strings). */
const quoteBigIntegers = (s: string): string => {
  let out = ""
  let last = 0
  let i = 0
  const n = s.length
  while (i < n) {
    const c = s.charCodeAt(i)
    if (c === 34) {
      i++
      while (i < n) {
        const d = s.charCodeAt(i)
        if (d === 34) break
        i += d === 92 ? 2 : 1
      }
      i++
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      const start = i
      if (c === 45) i++
      const digitsFrom = i
      while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++
      const next = s.charCodeAt(i)
      if (next === 46 || next === 101 || next === 69) {
        while (i < n && isNumberChar(s.charCodeAt(i))) i++
      } else if (i - digitsFrom > 15) {
        out += s.slice(last, start) + "\"" + s.slice(start, i) + "\""
        last = i
      }
    } else {
      i++
    }
  }
  return last === 0 ? s : out + s.slice(last)
}

const invalid: unique symbol = Symbol("invalid")

/** Parses a JSON object or array, keeping long integers exact; `invalid` instead of throwing, mostly. */
const parseObjectJson = (s: string): unknown => {
  const kind = shape(s)
  if (kind === 0) return invalid
  try {
    return JSON.parse(kind === 2 ? quoteBigIntegers(s) : s)
  } catch {
    return invalid
  }
}

/** JSON.parse that keeps integers beyond 15 digits (Coze's 19-digit ids) exact, as strings. */
export const parseJsonLossless = (s: string): unknown => JSON.parse(bigInteger.test(s) ? quoteBigIntegers(s) : s)

const fence = /^```[A-Za-z]*\s*([\s\S]*?)\s*```$/

const isIdChar = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45

/** At `i` stands `<`: the end of the `<think>`, `</think>` or `<(/)think_never_used_…>` tag there, or -1. */
const thinkTagEnd = (s: string, i: number): number => {
  let j = s.charCodeAt(i + 1) === 47 ? i + 2 : i + 1
  if (!s.startsWith("think", j)) return -1
  j += 5
  if (s.charCodeAt(j) === 62) return j + 1
  if (!s.startsWith("_never_used_", j)) return -1
  const from = j += 12
  while (j - from < 65 && isIdChar(s.charCodeAt(j))) j++
  return j > from && j - from <= 64 && s.charCodeAt(j) === 62 ? j + 1 : -1
}

/** `s` from `from` on, think tags taken out, trimmed, and unwrapped from a code fence. */
const clean = (s: string, from: number): string => {
  let out = ""
  let last = from
  for (let i = s.indexOf("<", from); i !== -1;) {
    const e = thinkTagEnd(s, i)
    if (e === -1) {
      i = s.indexOf("<", i + 1)
    } else {
      out += s.slice(last, i)
      last = e
      i = s.indexOf("<", e)
    }
  }
  const t = (last === 0 ? s : out + s.slice(last)).trim()
  const m = t.length > 5 && t.charCodeAt(0) === 96 ? fence.exec(t) : null
  return m ? m[1]! : t
}

/** The JSON part of a body: after the last `</think>` that has something after it, wrapper tags stripped. */
const selectJson = (raw: string): string => {
  if (raw.indexOf("<") === -1 && raw.indexOf("`") === -1) return raw.trim()
  for (let at = raw.lastIndexOf("</think"); at !== -1; at = at === 0 ? -1 : raw.lastIndexOf("</think", at - 1)) {
    const end = thinkTagEnd(raw, at)
    if (end === -1) continue
    const rest = clean(raw, end)
    if (rest !== "") return rest
  }
  return clean(raw, 0)
}

/** The body's JSON; failing that, the stretch from its first `[`/`{` to its last `]`/`}` (text around the JSON). */
const parseBody = (json: string): unknown => {
  const value = parseObjectJson(json)
  if (value !== invalid) return value
  const a = json.indexOf("[")
  const b = json.indexOf("{")
  const open = a === -1 ? b : b === -1 ? a : Math.min(a, b)
  const close = Math.max(json.lastIndexOf("]"), json.lastIndexOf("}"))
  if (open === -1 || close <= open || (open === 0 && close === json.length - 1)) return invalid
  return parseObjectJson(json.slice(open, close + 1))
}

/**
 * A FunctionCall from fields already checked, built as `new FunctionCall(props, true)` would build it
 * (same prototype, same own keys in the same order) without its per-call copy and default merging,
 * which cost more than the JSON parsing of a block. FunctionCall has no defaults; a test holds this
 * equal to the validating constructor's result.
 */
const makeCall = (name: string, args: JsonRecord, id: string | undefined): FunctionCall => {
  const call = Object.create(FunctionCall.prototype)
  call.name = name
  call.arguments = args
  if (id !== undefined) call.id = id
  return call
}

const toArguments = (u: unknown): JsonRecord | undefined => {
  if (u === undefined || u === null) return {}
  if (isRecord(u)) return u
  if (typeof u !== "string") return undefined
  const t = u.trim()
  if (t === "") return {}
  const v = parseObjectJson(t)
  return isRecord(v) ? v : undefined
}

const toCall = (item: unknown): FunctionCall | undefined => {
  if (!isRecord(item)) return undefined
  const fn = isRecord(item["function"]) ? item["function"] : item
  const name = fn["name"]
  if (typeof name !== "string" || name.length === 0) return undefined
  const args = toArguments(fn["parameters"] ?? fn["arguments"])
  if (args === undefined) return undefined
  const id = item["id"]
  return makeCall(name, args, typeof id === "string" ? id : undefined)
}

/** Decodes one block body into calls; a body or entry that cannot be used is reported raw in `malformed`. */
export const decodeBlock = (raw: string, calls: Array<FunctionCall>, malformed: Array<string>): void => {
  const json = selectJson(raw)
  if (json === "") return
  const value = parseBody(json)
  if (value === invalid) {
    malformed.push(raw)
    return
  }
  let usable = true
  if (Array.isArray(value)) {
    for (const item of value) {
      const call = toCall(item)
      if (call) calls.push(call)
      else usable = false
    }
  } else {
    const call = toCall(value)
    if (call) calls.push(call)
    else usable = false
  }
  if (!usable) malformed.push(raw)
}

/** Parses a whole answer: the visible text, the calls its markup asked for, and what did not decode. */
export const parse = (input: string): ParsedMarkup => {
  const ranges: Array<number> = []
  const machine = new IncrementalFunctionCallParser(decodeBlock, ranges)
  machine.feed(input, true)
  let text = ""
  for (let k = 0; k < ranges.length; k += 2) text += input.slice(ranges[k]!, ranges[k + 1]!)
  return { text, calls: machine.calls, malformed: machine.malformed }
}

/** A parser for a stream of chunks; the concatenation of its outputs equals `parse` of the whole input. */
export const makeIncrementalParser = (): IncrementalParser => {
  let machine = new IncrementalFunctionCallParser(decodeBlock)
  const take = () => {
    const text = machine.text
    machine.text = ""
    if (machine.calls.length === 0) return text === "" ? nothing : { text, calls: noCalls }
    const calls = machine.calls
    machine.calls = []
    return { text, calls }
  }
  return {
    push: (chunk) => {
      if (machine.passes(chunk)) return { text: chunk, calls: noCalls }
      if (machine.absorbs(chunk)) return nothing
      machine.feed(chunk, false)
      return take()
    },
    end: () => {
      machine.feed("", true)
      const out = take()
      const malformed = machine.malformed
      machine = new IncrementalFunctionCallParser(decodeBlock)
      return { text: out.text, calls: out.calls, malformed }
    }
  }
}

/** One block of markup for the calls, Doubao style (`[{"name","parameters"}]`); `<` is escaped inside. */
export const renderCalls = (calls: ReadonlyArray<FunctionCall>): string =>
  FunctionCallBegin +
  JSON.stringify(calls.map((c) =>
    c.id === undefined ? { name: c.name, parameters: c.arguments } : { id: c.id, name: c.name, parameters: c.arguments }
  )).replace(/</g, "\\u003c") +
  FunctionCallEnd

/**
 * Writes text and calls as a model would leak them; `parse` of the result gives them back, except
 * that integers of more than 15 digits in the arguments come back as exact strings (see `parseJsonLossless`).
 */
export const render = (parts: ReadonlyArray<MarkupPart>): string => {
  let out = ""
  for (const part of parts) {
    out += typeof part === "string" ? part : renderCalls(part instanceof FunctionCall ? [part] : part)
  }
  return out
}
