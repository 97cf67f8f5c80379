import { createServer, type IncomingMessage } from "node:http"
import type { AddressInfo } from "node:net"
import { Readable } from "node:stream"

const toRequest = (req: IncomingMessage, signal: AbortSignal): Request => {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value)
  }
  const method = req.method ?? "GET"
  const body = method === "GET" || method === "HEAD" ? {} : { body: Readable.toWeb(req), duplex: "half" }
  return new Request(`http://127.0.0.1${req.url ?? "/"}`, { method, headers, signal, ...body } as RequestInit)
}

/** Serves a Worker-style fetch handler on 127.0.0.1 (streaming the response), so tests reach it over real HTTP. */
export const serveHandler = async (handler: (request: Request) => Promise<Response>) => {
  const server = createServer((req, res) => {
    const controller = new AbortController()
    res.on("close", () => controller.abort())
    void (async () => {
      try {
        const response = await handler(toRequest(req, controller.signal))
        const headers: Record<string, string> = {}
        response.headers.forEach((value, name) => (headers[name] = value))
        res.writeHead(response.status, headers)
        res.flushHeaders()
        if (response.body !== null) for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk)
        res.end()
      } catch {
        res.destroy()
      }
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
