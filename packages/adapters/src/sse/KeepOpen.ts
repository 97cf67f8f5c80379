import type { ServerResponse } from "node:http"
import { comment } from "./SseFrame.js"

const heartbeatFrame = comment("heartbeat")

/**
 * Writes a heartbeat comment to an SSE response every `everyMs` while it is not ended, so that
 * proxies keep an idle stream open; gives the function that stops it.
 */
export const heartbeat = (res: ServerResponse, everyMs: number): (() => void) => {
  const timer = setInterval(() => { if (!res.writableEnded) res.write(heartbeatFrame) }, everyMs)
  return () => clearInterval(timer)
}

/**
 * Keeps an SSE response open after the handler that opened it has returned, with no fiber waiting
 * on it: a heartbeat every `heartbeatMs`, and `onClose` called once, when the connection closes
 * (the client went away, or the server closes its connections at shutdown), also when it had
 * closed already. An idle feed is then its socket, a timer and what `onClose` releases.
 */
export const keepOpen = (res: ServerResponse, options: { readonly heartbeatMs: number; readonly onClose: () => void }) => {
  let open = true
  const stopBeating = heartbeat(res, options.heartbeatMs)
  const close = () => {
    if (!open) return
    open = false
    stopBeating()
    res.off("close", close)
    options.onClose()
  }
  res.once("close", close)
  if (res.closed || res.destroyed) close()
}
