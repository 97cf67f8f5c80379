/** One server-sent event: its id (carried over from earlier events), type and data. */
export interface SseEvent {
  readonly id: string | undefined
  readonly event: string
  readonly data: string
}

/**
 * An incremental SSE parser after the spec: feed it text cut anywhere; it returns the events
 * completed so far. Comments (heartbeats) are skipped; `id` carries over to later events.
 */
export const makeSseParser = () => {
  let buffer = ""
  let data: Array<string> = []
  let event = ""
  let lastId: string | undefined
  const line = (raw: string, out: Array<SseEvent>) => {
    if (raw === "") {
      if (data.length > 0) out.push({ id: lastId, event: event || "message", data: data.join("\n") })
      data = []
      event = ""
      return
    }
    if (raw.charCodeAt(0) === 58) return
    const colon = raw.indexOf(":")
    const field = colon < 0 ? raw : raw.slice(0, colon)
    const value = colon < 0 ? "" : raw.slice(colon + (raw.charCodeAt(colon + 1) === 32 ? 2 : 1))
    if (field === "data") data.push(value)
    else if (field === "event") event = value
    else if (field === "id" && !value.includes("\0")) lastId = value
  }
  return (chunk: string): Array<SseEvent> => {
    buffer += chunk
    const out: Array<SseEvent> = []
    for (;;) {
      const match = /\r\n|\r|\n/.exec(buffer)
      if (match === null || (match[0] === "\r" && match.index === buffer.length - 1)) break
      line(buffer.slice(0, match.index), out)
      buffer = buffer.slice(match.index + match[0].length)
    }
    return out
  }
}

/** Reads a fetch response body as SSE, calling `onEvent` for each event; resolves when the body ends. */
export const readSse = async (body: ReadableStream<Uint8Array>, onEvent: (event: SseEvent) => void): Promise<void> => {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  const parse = makeSseParser()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    for (const e of parse(decoder.decode(value, { stream: true }))) onEvent(e)
  }
}
