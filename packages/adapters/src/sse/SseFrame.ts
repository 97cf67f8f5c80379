/** One Server-Sent Events message: an optional id and event name, and its data (any text). */
export interface SseMessage {
  readonly id?: string | undefined
  readonly event?: string | undefined
  readonly data: string
  /** Tells the browser how long to wait before it reconnects, in milliseconds. */
  readonly retry?: number | undefined
}

const singleLine = (field: string, value: string) => {
  if (/[\r\n]/.test(value)) throw new Error(`an SSE ${field} cannot hold a line break`)
  return value
}

/**
 * Frames a message as the SSE wire format: `id:`, `event:`, one `data:` line per line of data,
 * and a blank line. Ids and event names must be single lines (ids without NUL, per the spec).
 */
export const frame = (message: SseMessage): string => {
  let out = ""
  if (message.retry !== undefined) out += `retry: ${Math.max(0, Math.trunc(message.retry))}\n`
  if (message.id !== undefined) out += `id: ${singleLine("id", message.id).replace(/\0/g, "")}\n`
  if (message.event !== undefined) out += `event: ${singleLine("event", message.event)}\n`
  if (!/[\r\n]/.test(message.data)) out += `data: ${message.data}\n`
  else for (const line of message.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`
  return out + "\n"
}

/** A comment line (ignored by clients): a heartbeat that keeps proxies from closing an idle stream. */
export const comment = (text = ""): string => `: ${text.replace(/[\r\n]+/g, " ")}\n\n`

/** The headers of an event stream that no proxy buffers or compresses. */
export const headers: Readonly<Record<string, string>> = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
  "Content-Encoding": "identity"
}
