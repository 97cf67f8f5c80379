import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { createServer, type IncomingMessage, type Server } from "node:http"
import { connect, type Socket } from "node:net"
import { readJson } from "../../src/koa/RequestBody.js"

/** What the server's `readJson` made of each request, and whether the body's end had been signalled when it was done. */
interface Read {
  readonly status: number
  readonly body: unknown
  readonly endedWhenRead: boolean
}

/** A server that answers every request with what `readJson` read (after a microtask, as a Koa route runs). */
const withServer = <A>(f: (port: number, reads: Array<Read>) => Promise<A>) =>
  Effect.promise(async () => {
    const reads: Array<Read> = []
    const server: Server = createServer((req: IncomingMessage, res) => {
      queueMicrotask(() => {
        void Effect.runPromise(Effect.either(readJson(req, { limit: 1024, locale: "en" }))).then((read) => {
          const status = Either.isRight(read) ? 200 : read.left.status
          reads.push({ status, body: Either.isRight(read) ? read.right : read.left.code, endedWhenRead: req.complete })
          res.writeHead(status, { "content-type": "text/plain" }).end(String(status))
        })
      })
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    try {
      return await f((server.address() as { port: number }).port, reads)
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

/** Opens a raw connection, so that the test decides how the request's bytes are split. */
const rawClient = async (port: number) => {
  const socket: Socket = connect(port, "127.0.0.1")
  await new Promise((resolve) => socket.once("connect", resolve))
  socket.setNoDelay(true)
  let received = ""
  socket.on("data", (b) => { received += b.toString("latin1") })
  const responses = async (n: number) => {
    for (let i = 0; i < 200 && (received.match(/HTTP\/1\.1 \d{3}/g) ?? []).length < n; i++) await new Promise((r) => setTimeout(r, 5))
    return (received.match(/HTTP\/1\.1 (\d{3})/g) ?? []).map((line) => Number(line.slice(9)))
  }
  return { socket, responses }
}

const head = (length: number | "chunked") =>
  `POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${length === "chunked" ? "Transfer-Encoding: chunked" : `Content-Length: ${length}`}\r\n\r\n`

const json = JSON.stringify({ shopId: "shop-1", message: "¿Tienen zapatos? 有鞋吗" })
const bytes = Buffer.from(json)

describe("readJson", () => {
  it.live("reads a body sent with its headers, and the connection carries the next request", () =>
    withServer(async (port, reads) => {
      const client = await rawClient(port)
      client.socket.write(Buffer.concat([Buffer.from(head(bytes.length)), bytes]))
      expect(await client.responses(1)).toEqual([200])
      client.socket.write(Buffer.concat([Buffer.from(head(bytes.length)), bytes]))
      expect(await client.responses(2)).toEqual([200, 200])
      client.socket.destroy()
      expect(reads.map((r) => r.body)).toEqual([JSON.parse(json), JSON.parse(json)])
    }))

  it.live("takes a body whose declared bytes are all buffered without waiting for its end, signalled a turn later", () =>
    withServer(async (port, reads) => {
      const res = await fetch(`http://127.0.0.1:${port}/x`, { method: "POST", headers: { "content-type": "application/json" }, body: json })
      expect(res.status).toBe(200)
      const client = await rawClient(port)
      client.socket.write(Buffer.concat([Buffer.from(head(bytes.length)), bytes]))
      expect(await client.responses(1)).toEqual([200])
      client.socket.destroy()
      expect(reads).toEqual([
        { status: 200, body: JSON.parse(json), endedWhenRead: false },
        { status: 200, body: JSON.parse(json), endedWhenRead: false }
      ])
    }))

  it.live("waits for a body that comes after its headers, or in pieces", () =>
    withServer(async (port, reads) => {
      const client = await rawClient(port)
      client.socket.write(head(bytes.length))
      await new Promise((r) => setTimeout(r, 20))
      client.socket.write(bytes.subarray(0, 10))
      await new Promise((r) => setTimeout(r, 20))
      client.socket.write(bytes.subarray(10))
      expect(await client.responses(1)).toEqual([200])
      client.socket.write(`${head("chunked")}${bytes.length.toString(16)}\r\n`)
      client.socket.write(Buffer.concat([bytes, Buffer.from("\r\n")]))
      await new Promise((r) => setTimeout(r, 20))
      client.socket.write("0\r\n\r\n")
      expect(await client.responses(2)).toEqual([200, 200])
      client.socket.destroy()
      expect(reads.map((r) => r.body)).toEqual([JSON.parse(json), JSON.parse(json)])
    }))

  it.live("refuses invalid UTF-8 and a body over the limit, buffered or not", () =>
    withServer(async (port, reads) => {
      const client = await rawClient(port)
      const invalid = Buffer.from([0x7b, 0xff, 0xfe, 0x7d])
      client.socket.write(Buffer.concat([Buffer.from(head(invalid.length)), invalid]))
      expect(await client.responses(1)).toEqual([400])
      const big = Buffer.from(JSON.stringify({ message: "a".repeat(2000) }))
      client.socket.write(`${head("chunked")}${big.length.toString(16)}\r\n`)
      client.socket.write(Buffer.concat([big, Buffer.from("\r\n0\r\n\r\n")]))
      expect(await client.responses(2)).toEqual([400, 413])
      client.socket.destroy()
      const declared = await fetch(`http://127.0.0.1:${port}/x`, { method: "POST", headers: { "content-type": "application/json" }, body: big })
      expect(declared.status).toBe(413)
      expect(reads.map((r) => r.body)).toEqual(["bad_request", "payload_too_large", "payload_too_large"])
    }))
})
