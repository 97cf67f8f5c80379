import { Either } from "effect"

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9"

/**
 * Quotes every integer literal outside strings that a JS number cannot hold exactly (e.g. Coze's
 * unquoted 19-digit `plugin_id`), so that `JSON.parse` keeps it as the original digits.
 */
export const quoteUnsafeIntegers = (text: string): string => {
  let out = ""
  let from = 0
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === "\"") {
      i++
      while (i < text.length && text[i] !== "\"") i += text[i] === "\\" ? 2 : 1
      i++
      continue
    }
    if (c === "-" || isDigit(c)) {
      const start = i
      i++
      while (i < text.length && /[0-9.eE+-]/.test(text[i] as string)) i++
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
