import { KeepOpen } from "@chatbot-node/adapters/sse"
import { afterEach, describe, expect, it } from "@effect/vitest"
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { setTimeout as sleep } from "node:timers/promises"

let server: Server | undefined
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined))
  server = undefined
})

/** A server whose every request is an SSE response held by `keepOpen`; counts the writes and the `onClose` calls. */
const serve = async (heartbeatMs: number) => {
  const closes: Array<ServerResponse> = []
  const responses: Array<ServerResponse> = []
  let writes = 0
  server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" })
    res.write("retry: 3000\n\n")
    responses.push(res)
    const write = res.write.bind(res) as (chunk: string) => boolean
    res.write = ((chunk: string) => {
      writes++
      return write(chunk)
    }) as typeof res.write
    KeepOpen.keepOpen(res, { heartbeatMs, onClose: () => closes.push(res) })
  })
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, closes, responses, writes: () => writes }
}

/** Opens an SSE request and collects what it reads. */
const open = (url: string) =>
  new Promise<{ res: IncomingMessage; text: () => string }>((resolve, reject) => {
    let text = ""
    request(url, (res) => {
      res.setEncoding("utf8")
      res.on("data", (chunk: string) => { text += chunk })
      resolve({ res, text: () => text })
    }).once("error", reject).end()
  })

const until = async (what: () => boolean) => {
  for (let i = 0; i < 500 && !what(); i++) await sleep(10)
  expect(what()).toBe(true)
}

describe("keepOpen", () => {
  it("beats while the client listens, then releases once when the client goes away, and beats no more", async () => {
    const { closes, url, writes } = await serve(20)
    const client = await open(url)
    await until(() => (client.text().match(/^: heartbeat$/gm) ?? []).length >= 2)
    expect(closes).toHaveLength(0)
    client.res.destroy()
    await until(() => closes.length === 1)
    const written = writes()
    await sleep(100)
    expect(closes).toHaveLength(1)
    expect(writes()).toBe(written)
  })

  it("releases every held response when the server closes its connections (shutdown)", async () => {
    const { closes, responses, url } = await serve(1_000)
    await Promise.all([open(url), open(url), open(url)])
    await until(() => responses.length === 3)
    expect(closes).toHaveLength(0)
    server!.closeAllConnections()
    await until(() => closes.length === 3)
  })

  it("releases at once a response whose connection had closed already", async () => {
    const { url } = await serve(1_000)
    const released: Array<string> = []
    server!.removeAllListeners("request")
    server!.on("request", (req: IncomingMessage, res: ServerResponse) => {
      req.socket.destroy()
      res.once("close", () => KeepOpen.keepOpen(res, { heartbeatMs: 10, onClose: () => released.push("closed") }))
    })
    await open(url).catch(() => undefined)
    await until(() => released.length === 1)
    await sleep(50)
    expect(released).toEqual(["closed"])
  })
})
