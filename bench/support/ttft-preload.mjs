// A profiling aid, not a bench: preload it into the benched server to time, per reply, an SSE chat
// request's arrival to its fetch to Coze, and Coze's first delta read to the SSE write of it; one
// line per measurement is appended to TTFT_LOG (default /tmp/ttft.txt). Requests must come one at a
// time (one stream). Use: BENCH_SERVER_NODE_ARGS="--import ./bench/support/ttft-preload.mjs" npm run bench:gateway
import http from "node:http"
import { performance } from "node:perf_hooks"
import { appendFileSync } from "node:fs"
const log = process.env.TTFT_LOG ?? "/tmp/ttft.txt"
let lastRequest = 0
const origEmit = http.Server.prototype.emit
http.Server.prototype.emit = function (event, req, res) {
  if (event === "request" && req.method === "POST" && req.url.startsWith("/api/coze/chat/stream")) {
    lastRequest = performance.now()
    const origWrite = res.write
    let n = 0
    res.write = function (chunk, ...rest) {
      n++
      if (typeof chunk === "string" && chunk.includes("event: delta") && globalThis.__firstChunkAt) {
        appendFileSync(log, `deltaWrite ${(performance.now() - globalThis.__firstChunkAt).toFixed(2)}\n`)
        globalThis.__firstChunkAt = undefined
      }
      return origWrite.call(this, chunk, ...rest)
    }
  }
  return origEmit.apply(this, arguments)
}
const origFetch = globalThis.fetch
globalThis.fetch = async function (input, init) {
  const url = String(input instanceof Request ? input.url : input)
  if (url.includes("/v3/chat") && lastRequest > 0) appendFileSync(log, `toFetch ${(performance.now() - lastRequest).toFixed(2)}\n`)
  const res = await origFetch(input, init)
  if (url.includes("/v3/chat") && res.body) {
    const reader = res.body.getReader()
    let first = true
    const body = new ReadableStream({
      async pull(c) {
        const r = await reader.read()
        if (r.done) return c.close()
        if (first && new TextDecoder().decode(r.value).includes("message.delta")) { first = false; globalThis.__firstChunkAt = performance.now() }
        c.enqueue(r.value)
      },
      cancel(reason) { return reader.cancel(reason) }
    })
    return new Response(body, { status: res.status, headers: res.headers })
  }
  return res
}
