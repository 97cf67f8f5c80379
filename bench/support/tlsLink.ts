/**
 * The Coze proxy as production reaches it, for the warm-up bench: HTTPS (a certificate made at bench
 * time, LINK_CERT / LINK_KEY) in front of the simulator at LINK_UPSTREAM, behind a link with a round
 * trip of LINK_RTT_MS: a new connection waits one round trip (TCP's handshake) before its first byte
 * goes through, then every chunk waits half of one each way (so TLS's handshake costs another).
 * Counts the connections opened; the stdin line `drop` closes every open one, as the proxy does with
 * idle connections (prints `DROPPED <n>`). Prints `LINK {"url", ...}`.
 */
import { readFileSync } from "node:fs"
import { createServer as createHttpsServer } from "node:https"
import { connect, createServer, type Socket } from "node:net"
import type { AddressInfo } from "node:net"
import { createInterface } from "node:readline"

const upstream = process.env.LINK_UPSTREAM!
const rtt = Number(process.env.LINK_RTT_MS ?? 20)

// The HTTPS relay: each request passed on to the simulator with fetch, its answer written back as it comes.
const https = createHttpsServer({ cert: readFileSync(process.env.LINK_CERT!), key: readFileSync(process.env.LINK_KEY!) }, (req, res) => {
  const chunks: Array<Buffer> = []
  req.on("data", (c: Buffer) => chunks.push(c))
  req.on("end", () => {
    const headers: Record<string, string> = {}
    for (const name of ["content-type", "authorization", "accept"]) if (typeof req.headers[name] === "string") headers[name] = req.headers[name]
    void fetch(`${upstream}${req.url}`, { method: req.method ?? "GET", headers, ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}) }).then(async (answer) => {
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" })
      res.socket?.setNoDelay(true)
      const reader = answer.body!.getReader()
      for (let r = await reader.read(); !r.done; r = await reader.read()) res.write(r.value)
      res.end()
    }).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502)
      res.end(String(error))
    })
  })
})
https.keepAliveTimeout = 60_000

const open = new Set<Socket>()
let connections = 0
/** Writes `chunk` to `to` half a round trip later (timers of one delay fire in order). */
const later = (to: Socket) => (chunk: Buffer) => { setTimeout(() => { if (!to.destroyed) to.write(chunk) }, rtt / 2) }
const link = createServer((client) => {
  connections++
  client.setNoDelay(true)
  client.pause()
  const inner = connect((https.address() as AddressInfo).port, "127.0.0.1")
  inner.setNoDelay(true)
  open.add(client).add(inner)
  const drop = () => { client.destroy(); inner.destroy(); open.delete(client); open.delete(inner) }
  client.on("error", drop).on("close", drop)
  inner.on("error", drop).on("close", drop)
  client.on("data", later(inner))
  inner.on("data", later(client))
  // TCP's handshake: the client's first bytes go nowhere for a round trip.
  setTimeout(() => client.resume(), rtt)
})

https.listen(0, "127.0.0.1", () => {
  link.listen(0, "127.0.0.1", () => {
    console.log(`LINK ${JSON.stringify({ url: `https://127.0.0.1:${(link.address() as AddressInfo).port}`, rttMs: rtt })}`)
  })
})
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() === "drop") {
    const n = open.size
    for (const s of open) s.destroy()
    console.log(`DROPPED ${n}`)
  } else if (line.trim() === "count") console.log(`COUNT ${connections}`)
})
