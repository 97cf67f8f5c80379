import { Data, Either } from "effect"

/** One server-sent event: its `event` name (default `message`) and its `data` lines joined by `\n`. */
export interface SseEvent {
  readonly event: string
  readonly data: string
}

/** The byte stream ended inside a line, or a field could not be read. */
export class SseError extends Data.TaggedError("SseError")<{ readonly message: string }> {}

/** Splits an SSE byte stream into events as it arrives, cut anywhere (inside a UTF-8 character too). */
export interface SseParser {
  /** The events these bytes complete (none while a line is still open). */
  readonly feed: (bytes: Uint8Array) => Array<SseEvent>
  /** The stream ended: an event still open after a line break is dispatched; text after the last line break is an error. */
  readonly end: () => Either.Either<Array<SseEvent>, SseError>
}

/**
 * An SSE parser: `field:value` lines (one optional space after the colon, `\n` or `\r\n` endings),
 * `:` comments, an event dispatched at a blank line. An event still open when the stream ends
 * cleanly after a line break is dispatched (Coze's SDK dispatches on `data`).
 */
export const makeParser = (): SseParser => {
  const decoder = new TextDecoder()
  let buffer = ""
  let event: string | undefined
  let data: Array<string> = []

  const dispatch = (out: Array<SseEvent>) => {
    if (data.length > 0) out.push({ event: event ?? "message", data: data.join("\n") })
    event = undefined
    data = []
  }

  const line = (text: string, out: Array<SseEvent>) => {
    if (text === "") return dispatch(out)
    if (text.startsWith(":")) return
    const colon = text.indexOf(":")
    const field = colon === -1 ? text : text.slice(0, colon)
    let value = colon === -1 ? "" : text.slice(colon + 1)
    if (value.startsWith(" ")) value = value.slice(1)
    switch (field.trim()) {
      case "event":
        event = value.trim()
        break
      case "data":
        data.push(value)
        break
    }
  }

  const lines = (text: string): Array<SseEvent> => {
    buffer += text
    const out: Array<SseEvent> = []
    let start = 0
    for (let i = buffer.indexOf("\n"); i !== -1; i = buffer.indexOf("\n", start)) {
      const end = i > start && buffer[i - 1] === "\r" ? i - 1 : i
      line(buffer.slice(start, end), out)
      start = i + 1
    }
    buffer = buffer.slice(start)
    return out
  }

  const end = (): Either.Either<Array<SseEvent>, SseError> => {
    const out = lines(decoder.decode())
    if (buffer.trim() !== "") return Either.left(new SseError({ message: `stream ended inside a line: ${buffer.slice(0, 200)}` }))
    dispatch(out)
    return Either.right(out)
  }

  return { feed: (bytes) => lines(decoder.decode(bytes, { stream: true })), end }
}
