// A profiling aid, not a bench: preload it into the benched server to time, per reply, an SSE chat
// request's arrival to its request to Coze (undici's `undici:request:create`), and Coze's first delta
// read (pushed into undici's response body) to the SSE write of it; one line per measurement is
// appended to TTFT_LOG (default /tmp/ttft.txt). Requests must come one at a time (one stream).
// Use: BENCH_SERVER_NODE_ARGS="--import ./bench/support/ttft-preload.mjs" npm run bench:gateway
import { subscribe } from "node:diagnostics_channel"
import http from "node:http"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { performance } from "node:perf_hooks"
import { appendFileSync } from "node:fs"
const log = process.env.TTFT_LOG ?? "/tmp/ttft.txt"
let lastRequest = 0
let firstChunkAt
const origEmit = http.Server.prototype.emit
http.Server.prototype.emit = function (event, req, res) {
  if (event === "request" && req.method === "POST" && req.url.startsWith("/api/coze/chat/stream")) {
    lastRequest = performance.now()
    const origWrite = res.write
    res.write = function (chunk, ...rest) {
      if (typeof chunk === "string" && chunk.includes("event: delta") && firstChunkAt !== undefined) {
        appendFileSync(log, `deltaWrite ${(performance.now() - firstChunkAt).toFixed(2)}\n`)
        firstChunkAt = undefined
      }
      return origWrite.call(this, chunk, ...rest)
    }
  }
  return origEmit.apply(this, arguments)
}
subscribe("undici:request:create", ({ request }) => {
  if (String(request.path).includes("/v3/chat") && lastRequest > 0) { appendFileSync(log, `toRequest ${(performance.now() - lastRequest).toFixed(2)}\n`); lastRequest = 0 }
})
// The server's undici (the adapters' dependency); its body class is not exported, so reached by path.
const require = createRequire(new URL("../../packages/adapters/package.json", import.meta.url))
const { Readable: BodyReadable } = require(join(dirname(require.resolve("undici")), "lib/api/readable.js"))
const origPush = BodyReadable.prototype.push
let waitingFirst = false
subscribe("undici:request:headers", ({ request }) => { if (String(request.path).includes("/v3/chat")) waitingFirst = true })
BodyReadable.prototype.push = function (chunk) {
  if (waitingFirst && chunk !== null && chunk.toString().includes("message.delta")) { waitingFirst = false; firstChunkAt = performance.now() }
  return origPush.call(this, chunk)
}
