import type { IncomingMessage, ServerResponse } from "node:http"

/**
 * The least an HTTP relay does: the request read, sent on to `upstream` with fetch (method, content
 * type, authorization, accept, the body), and the answer's bytes written back chunk by chunk as they
 * come: no store, no checks, no parsing. The bare relay of the gateway bench and the HTTPS proxy of the
 * warm-up bench.
 */
export const relayHandler = (upstream: string) => (req: IncomingMessage, res: ServerResponse) => {
  const chunks: Array<Buffer> = []
  req.on("data", (c: Buffer) => chunks.push(c))
  req.on("end", () => {
    const headers: Record<string, string> = {}
    for (const name of ["content-type", "authorization", "accept"]) if (typeof req.headers[name] === "string") headers[name] = req.headers[name]
    void fetch(`${upstream}${req.url}`, { method: req.method ?? "POST", headers, ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}) }).then(async (answer) => {
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "text/event-stream" })
      res.socket?.setNoDelay(true)
      const reader = answer.body!.getReader()
      for (let r = await reader.read(); !r.done; r = await reader.read()) res.write(r.value)
      res.end()
    }).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502)
      res.end(String(error))
    })
  })
}
