import type { ServerResponse } from "node:http"
import { comment } from "./SseFrame.js"

const heartbeatFrame = comment("heartbeat")

/**
 * Keeps an SSE response open after the handler that opened it has returned, with no fiber waiting
 * on it: a heartbeat comment every `heartbeatMs`, and `onClose` called once, when the connection
 * closes (the client went away, or the server closes its connections at shutdown), also when it
 * had closed already. An idle feed is then its socket, a timer and what `onClose` releases.
 */
export const keepOpen = (res: ServerResponse, options: { readonly heartbeatMs: number; readonly onClose: () => void }) => {
  let open = true
  const timer = setInterval(() => { if (!res.writableEnded) res.write(heartbeatFrame) }, options.heartbeatMs)
  const close = () => {
    if (!open) return
    open = false
    clearInterval(timer)
    res.off("close", close)
    options.onClose()
  }
  res.once("close", close)
  if (res.closed || res.destroyed) close()
}
