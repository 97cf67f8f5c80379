import { Either } from "effect"

const QUOTE = 34
const BACKSLASH = 92
const MINUS = 45
const isDigit = (c: number): boolean => c >= 48 && c <= 57
/** A character of a JSON number literal: digit, `.`, `e`, `E`, `+`, `-`. */
const isNumberChar = (c: number): boolean => isDigit(c) || c === 46 || c === 101 || c === 69 || c === 43 || c === MINUS

/**
 * Whether `text` may hold an integer literal of 16 digits or more outside a string: a number only
 * ever follows `:`, `[` or `,` (and whitespace), or starts the text (a bare number), so text without
 * such a run of digits in one of those places has nothing to quote. Text inside a string can match
 * too; it then takes the full scan.
 */
const mayHoldUnsafeInteger = /(?:^|[:[,])\s*-?\d{16}/

/**
 * Quotes every integer literal outside strings that a JS number cannot hold exactly (e.g. Coze's
 * unquoted 19-digit `plugin_id`), so that `JSON.parse` keeps it as the original digits.
 */
export const quoteUnsafeIntegers = (text: string): string => {
  if (!mayHoldUnsafeInteger.test(text)) return text
  let out = ""
  let from = 0
  let i = 0
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      i++
      while (i < text.length && text.charCodeAt(i) !== QUOTE) i += text.charCodeAt(i) === BACKSLASH ? 2 : 1
      i++
      continue
    }
    if (c === MINUS || isDigit(c)) {
      const start = i
      i++
      while (i < text.length && isNumberChar(text.charCodeAt(i))) i++
      const token = text.slice(start, i)
      if (/^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token))) {
        out += text.slice(from, start) + "\"" + token + "\""
        from = i
      }
      continue
    }
    i++
  }
  return from === 0 ? text : out + text.slice(from)
}

/** `JSON.parse` that keeps integers beyond `Number.MAX_SAFE_INTEGER` as strings of their digits. */
export const parseLossless = (text: string): Either.Either<unknown, Error> => {
  // A plain try/catch: this runs for every event of every streamed reply, and Either.try costs twice the parse.
  try {
    return Either.right(JSON.parse(quoteUnsafeIntegers(text)) as unknown)
  } catch (e) {
    return Either.left(e instanceof Error ? e : new Error(String(e)))
  }
}
