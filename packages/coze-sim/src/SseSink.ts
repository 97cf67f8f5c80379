import { type Exchange, writeHead } from "./Http.js"

/**
 * Writes one SSE response in Coze's framing (`event:` line, single-line `data:`, blank line). Where the
 * wire reference leaves the form open, it varies: `event:x` and `event: x` alternate, and `done`
 * carries `[DONE]` or `"[DONE]"` depending on the stream.
 */
export class SseSink {
  private written = 0
  private gone = false

  constructor(private readonly ex: Exchange, private readonly variant: number) {
    ex.res.on("close", () => {
      if (!ex.res.writableFinished) this.gone = true
    })
  }

  /** Whether a client is still reading. */
  get alive(): boolean {
    return !this.gone && !this.ex.res.destroyed && this.ex.res.socket?.destroyed !== true
  }

  /** Events written so far. */
  get eventsWritten(): number {
    return this.written
  }

  /** Sends the status line and headers at once, before any event. */
  open(): void {
    writeHead(this.ex, 200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache",
      Connection: "keep-alive"
    })
    this.ex.res.flushHeaders()
  }

  /** Writes one event; a string payload is written as is, anything else as single-line JSON. */
  event(name: string, payload: unknown): void {
    if (!this.alive) return
    const space = (this.written + this.variant) % 2 === 1 ? " " : ""
    const data = name === "done" ? (this.variant % 2 === 0 ? "[DONE]" : "\"[DONE]\"") :
      typeof payload === "string" ? payload : JSON.stringify(payload)
    this.ex.res.write(`event:${space}${name}\ndata:${data}\n\n`)
    this.written += 1
  }

  /** Writes raw bytes (for malformed lines). */
  raw(text: string): void {
    if (this.alive) this.ex.res.write(text)
  }

  /** Ends the response normally. */
  end(): void {
    if (this.alive) this.ex.res.end()
  }

  /** Drops the connection without ending the chunked body (what was written is still delivered). */
  drop(): void {
    this.gone = true
    const socket = this.ex.res.socket
    if (socket === null) this.ex.res.destroy()
    else socket.end()
  }
}
