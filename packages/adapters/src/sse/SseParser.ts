import type { SseMessage } from "./SseFrame.js"

/**
 * Parses an SSE byte stream's text, fed in chunks cut anywhere, into messages (the spec's
 * algorithm: fields, multi-line data, comments skipped, the last event id carried over).
 */
export const makeParser = () => {
  let buffer = ""
  let data: Array<string> = []
  let event: string | undefined
  let id: string | undefined
  let lastId: string | undefined
  let retry: number | undefined
  const line = (raw: string, out: Array<SseMessage>) => {
    if (raw === "") {
      if (data.length > 0) out.push({ id: id ?? lastId, event, data: data.join("\n"), retry })
      lastId = id ?? lastId
      data = []
      event = undefined
      id = undefined
      retry = undefined
      return
    }
    if (raw.startsWith(":")) return
    const colon = raw.indexOf(":")
    const field = colon === -1 ? raw : raw.slice(0, colon)
    const value = colon === -1 ? "" : raw.slice(colon + 1).replace(/^ /, "")
    if (field === "data") data.push(value)
    else if (field === "event") event = value
    else if (field === "id" && !value.includes("\0")) id = value
    else if (field === "retry" && /^\d+$/.test(value)) retry = Number(value)
  }
  return {
    /** Feeds a chunk; returns the messages it completed. */
    push: (chunk: string): ReadonlyArray<SseMessage> => {
      buffer += chunk
      const out: Array<SseMessage> = []
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer)
        if (match === null || (match[0] === "\r" && match.index === buffer.length - 1)) break
        line(buffer.slice(0, match.index), out)
        buffer = buffer.slice(match.index + match[0].length)
      }
      return out
    }
  }
}
