import { createServer, type IncomingMessage } from "node:http"
import type { AddressInfo } from "node:net"
import { Readable } from "node:stream"

/** A fetch handler served on 127.0.0.1. */
export interface Served {
  readonly url: string
  readonly close: () => Promise<void>
}

const toRequest = (req: IncomingMessage, signal: AbortSignal): Request => {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value)
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v)
  }
  const method = req.method ?? "GET"
  const hasBody = method !== "GET" && method !== "HEAD"
  return new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`, {
    method, headers, signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {})
  } as RequestInit)
}

/** Serves a Worker-style `(Request) => Promise<Response>` handler with node:http, streaming both bodies. */
export const serveHandler = async (handler: (request: Request) => Promise<Response>): Promise<Served> => {
  const server = createServer((req, res) => {
    const controller = new AbortController()
    res.on("close", () => {
      if (!res.writableFinished) controller.abort()
    })
    void (async () => {
      try {
        const response = await handler(toRequest(req, controller.signal))
        const headers: Record<string, string> = {}
        response.headers.forEach((value, name) => {
          headers[name] = value
        })
        res.writeHead(response.status, response.statusText, headers)
        res.flushHeaders()
        if (response.body !== null) {
          for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk)
        }
        res.end()
      } catch {
        res.destroy()
      }
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
