import { Agent, type IncomingMessage, request, type ServerResponse } from "node:http"

/** The request headers a relay passes on. */
const passed = ["content-type", "content-length", "authorization", "accept"] as const

/**
 * The least a relay written for Node does: the request piped to `upstream` with `node:http` over
 * kept-alive connections (method, path, content type and length, authorization, accept, the body
 * as it comes), and the answer's bytes piped back as they come: no store, no checks, no parsing, no
 * web streams. The floor of the gateway bench: what a second HTTP hop costs any relay on this machine.
 */
export const pipeRelayHandler = (upstream: string) => {
  const target = new URL(upstream)
  const agent = new Agent({ keepAlive: true })
  return (req: IncomingMessage, res: ServerResponse) => {
    const headers: Record<string, string> = {}
    for (const name of passed) {
      const value = req.headers[name]
      if (typeof value === "string") headers[name] = value
    }
    const out = request({ host: target.hostname, port: target.port, path: req.url, method: req.method ?? "POST", headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, { "content-type": answer.headers["content-type"] ?? "text/event-stream" })
      res.socket?.setNoDelay(true)
      answer.pipe(res)
    })
    out.on("socket", (socket) => socket.setNoDelay(true))
    out.on("error", (error) => {
      if (!res.headersSent) res.writeHead(502)
      res.end(String(error))
    })
    req.pipe(out)
  }
}
