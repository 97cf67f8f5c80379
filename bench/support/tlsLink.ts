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
import { relayHandler } from "./relayHandler.js"

const upstream = process.env.LINK_UPSTREAM!
const rtt = Number(process.env.LINK_RTT_MS ?? 20)

// The HTTPS relay: each request passed on to the simulator, its answer written back as it comes.
const https = createHttpsServer({ cert: readFileSync(process.env.LINK_CERT!), key: readFileSync(process.env.LINK_KEY!) }, relayHandler(upstream))
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
