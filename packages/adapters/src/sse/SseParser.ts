import { Data, Either } from "effect"
import type { SseMessage } from "./SseFrame.js"

/** The stream ended inside a line. */
export class SseError extends Data.TaggedError("SseError")<{ readonly message: string }> {}

/** Splits an event stream into messages as it arrives, cut anywhere. */
export interface SseParser {
  /** The messages these characters complete (none while a line is still open). */
  readonly push: (text: string) => Array<SseMessage>
  /** The messages these UTF-8 bytes complete; a character may be cut between two calls. */
  readonly feed: (bytes: Uint8Array) => Array<SseMessage>
  /**
   * The stream ended: a message still open after a line break is dispatched (as Coze's SDK does),
   * and text after the last line break is an error.
   */
  readonly end: () => Either.Either<Array<SseMessage>, SseError>
}

/**
 * The one SSE parser of the server (Coze's streams, the tests' reading of ours), after the spec:
 * `field:value` lines (one optional space after the colon), `\n`, `\r\n` or `\r` line ends,
 * multi-line data joined by `\n`, `:` comments skipped, a message dispatched at a blank line, the
 * last event id carried over to the messages after it. Lines are found with `indexOf`, not a
 * regular expression: this runs over every byte of every streamed reply.
 */
export const makeParser = (): SseParser => {
  const decoder = new TextDecoder()
  let buffer = ""
  // A `\r` ending a chunk may be the first half of a `\r\n` cut in two.
  let pendingCr = false
  let data: Array<string> = []
  let event: string | undefined
  let id: string | undefined
  let lastId: string | undefined
  let retry: number | undefined

  const dispatch = (out: Array<SseMessage>) => {
    if (data.length > 0) out.push({ id: id ?? lastId, event, data: data.join("\n"), retry })
    lastId = id ?? lastId
    data = []
    event = undefined
    id = undefined
    retry = undefined
  }

  const line = (raw: string, out: Array<SseMessage>) => {
    if (raw === "") return dispatch(out)
    if (raw.charCodeAt(0) === 58 /* : */) return
    const colon = raw.indexOf(":")
    const field = colon === -1 ? raw : raw.slice(0, colon)
    const value = colon === -1 ? "" : raw.charCodeAt(colon + 1) === 32 /* space */ ? raw.slice(colon + 2) : raw.slice(colon + 1)
    if (field === "data") data.push(value)
    else if (field === "event") event = value
    else if (field === "id" && !value.includes("\0")) id = value
    else if (field === "retry" && /^\d+$/.test(value)) retry = Number(value)
  }

  const push = (text: string): Array<SseMessage> => {
    let chunk = pendingCr ? `\r${text}` : text
    pendingCr = false
    if (chunk.includes("\r")) {
      if (chunk.endsWith("\r")) {
        pendingCr = true
        chunk = chunk.slice(0, -1)
      }
      chunk = chunk.replace(/\r\n?/g, "\n")
    }
    buffer += chunk
    const out: Array<SseMessage> = []
    let start = 0
    for (let i = buffer.indexOf("\n"); i !== -1; i = buffer.indexOf("\n", start)) {
      line(buffer.slice(start, i), out)
      start = i + 1
    }
    buffer = buffer.slice(start)
    return out
  }

  const end = (): Either.Either<Array<SseMessage>, SseError> => {
    const out = push(decoder.decode())
    if (pendingCr) {
      pendingCr = false
      out.push(...push("\n"))
    }
    if (buffer.trim() !== "") return Either.left(new SseError({ message: `stream ended inside a line: ${buffer.slice(0, 200)}` }))
    dispatch(out)
    return Either.right(out)
  }

  return { push, feed: (bytes) => push(decoder.decode(bytes, { stream: true })), end }
}
