/**
 * Idle connections (issue 9, figure 3): the server's RSS per idle SSE stream (a visitor's live
 * feed, `GET /api/conversations/:id/events`) and per idle Socket.io socket (`/visitor`), at 1,000
 * and 5,000, each against a bare baseline in the same run (a plain node:http server holding SSE
 * responses; a bare socket.io server). Connections come from a load-generator process.
 *
 * Every figure is taken on a fresh process (no memory freed by an earlier figure to reuse), started
 * with the same node flags as its baseline (`--inspect`): before each reading the bench forces full
 * collections over the inspector, so RSS and the JS heap hold what the connections keep, not garbage
 * waiting for the next collection. Growth is from 200 warm connections to 200 + N.
 * Run: npm run build && npm run bench:idle. Writes bench/results/idle.{json,md}.
 */
import { mkdtempSync, rmSync } from "node:fs"
import * as os from "node:os"
import { join } from "node:path"
import { benchDatabase } from "./support/database.js"
import { inspect, inspectArgs, type Memory } from "./support/inspector.js"
import { holdIdle } from "./support/load.js"
import { benchSecret, nextPort, requireBuild, root, serverEnv, serverNodeArgs, startProcess, startServer, stopProcess, waitFor } from "./support/processes.js"
import { type Figure, write } from "./support/results.js"
import { ratio, round } from "./support/stats.js"

requireBuild()
const counts = (process.env.BENCH_IDLE_COUNTS ?? "1000,5000").split(",").map(Number)
const warmCount = 200

const bareSse = `
import { createServer } from "node:http"
const open = new Set()
setInterval(() => { for (const res of open) res.write(": heartbeat\\n\\n") }, 15000)
createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" })
  res.write("retry: 3000\\n\\n")
  open.add(res)
  req.on("close", () => open.delete(res))
}).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"))
`
const bareSocket = `
import { createServer } from "node:http"
import { Server } from "socket.io"
const http = createServer()
new Server(http).of("/visitor").on("connection", () => {})
http.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"))
`

type Started = ReturnType<typeof startProcess> & { readonly url: string; readonly pid: number }
type Opener = (url: string, count: number, tag: string) => Promise<{ open: number; close: () => Promise<void> }>

const startBare = (source: string) => async (): Promise<Started> => {
  const port = nextPort()
  // The same node flags as the benched server's.
  const p = startProcess([...serverNodeArgs(), ...inspectArgs, "--input-type=module", "-e", source], { PORT: String(port) })
  // The line of its own (the inspector's "Debugger listening on …" comes first).
  await waitFor(p, /^listening$/m)
  return { ...p, url: `http://127.0.0.1:${port}`, pid: p.child.pid! }
}

const perEach = (before: Memory, after: Memory, n: number) => ({
  rssKB: round((after.rss - before.rss) / n / 1024, 1),
  heapKB: round((after.heapUsed - before.heapUsed) / n / 1024, 1),
  externalKB: round((after.external - before.external) / n / 1024, 1),
  offHeapKB: round((after.offHeap - before.offHeap) / n / 1024, 1)
})

/** Memory growth per connection from `warmCount` connections to `warmCount + count`, on a fresh process. */
const perConnection = async (start: () => Promise<Started>, open: Opener, count: number) => {
  const p = await start()
  const inspector = await inspect(p)
  try {
    const warm = await open(p.url, warmCount, `warm-${count}`)
    const before = await inspector.memory()
    const held = await open(p.url, count, `n-${count}`)
    const after = await inspector.memory()
    await held.close()
    await warm.close()
    return { count: held.open, before, after, each: perEach(before, after, held.open), rssAfterMB: round(after.rss / 1e6, 1) }
  } finally {
    inspector.close()
    await stopProcess(p.child)
  }
}

const dataDir = mkdtempSync(join(os.tmpdir(), "bench-idle-"))
// On PostgreSQL when one answers (production's setup): PGlite's WebAssembly heap would dwarf the figure.
const databaseUrl = await benchDatabase("chatbot_bench_idle")
const env = () => serverEnv(nextPort(), dataDir, { SSE_HEARTBEAT: "15", ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }) })
let feed: string | undefined
/** A fresh server; the first one starts the conversation whose feed the SSE streams follow (kept in the database). */
const startOurs = async (): Promise<Started> => {
  const server = await startServer(env(), inspectArgs)
  if (feed === undefined) {
    const chat = await fetch(`${server.url}/api/coze/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ shopId: "bench", userId: "idle-visitor", message: "Hello" }) })
    const conversationId = ((await chat.json()) as { conversationId: string }).conversationId
    feed = `/api/conversations/${conversationId}/events?shopId=bench&userId=idle-visitor`
  }
  return server
}
const sse = (path: () => string): Opener => (url, count) => holdIdle({ mode: "idle-sse", url, path: path(), count })
const sockets: Opener = (url, count, tag) => holdIdle({ mode: "idle-socket", url, count, secret: benchSecret, tag })

type Row = {
  kind: "SSE stream" | "Socket.io socket"
  count: number
  oursKB: number
  bareKB: number
  ratio: number | null
  oursHeapKB: number
  bareHeapKB: number
  oursOffHeapKB: number
  bareOffHeapKB: number
  oursRssAfterMB: number
  bareRssAfterMB: number
  ours: Awaited<ReturnType<typeof perConnection>>
  bare: Awaited<ReturnType<typeof perConnection>>
}
const rows: Array<Row> = []
const row = (kind: Row["kind"], count: number, ours: Row["ours"], bare: Row["bare"]): Row => ({
  kind,
  count,
  oursKB: ours.each.rssKB,
  bareKB: bare.each.rssKB,
  ratio: ratio(ours.each.rssKB, bare.each.rssKB),
  oursHeapKB: ours.each.heapKB,
  bareHeapKB: bare.each.heapKB,
  oursOffHeapKB: ours.each.offHeapKB,
  bareOffHeapKB: bare.each.offHeapKB,
  oursRssAfterMB: ours.rssAfterMB,
  bareRssAfterMB: bare.rssAfterMB,
  ours,
  bare
})
try {
  for (const count of counts) {
    const ours = await perConnection(startOurs, sse(() => feed!), count)
    const bare = await perConnection(startBare(bareSse), sse(() => "/"), count)
    rows.push(row("SSE stream", count, ours, bare))
    console.log(rows.at(-1)!.kind, count, ours.each, bare.each)
    const oursS = await perConnection(startOurs, sockets, count)
    const bareS = await perConnection(startBare(bareSocket), sockets, count)
    rows.push(row("Socket.io socket", count, oursS, bareS))
    console.log(rows.at(-1)!.kind, count, oursS.each, bareS.each)
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true })
}

const figures: Array<Figure> = rows.map((r) => ({
  figure: `idle: RSS per idle ${r.kind} at ${r.count}`,
  value: `${r.oursKB} KB`,
  baseline: `${r.bareKB} KB (bare ${r.kind === "SSE stream" ? "node:http SSE" : "socket.io"})`,
  ratio: r.ratio,
  target: r.kind === "Socket.io socket" ? "< 30 KB (issue 6)" : "–",
  met: r.kind === "Socket.io socket" ? r.oursKB < 30 : null
}))
write(root, "idle", "npm run bench:idle", { counts, warmCount, database: databaseUrl === undefined ? "PGlite" : "PostgreSQL", rows }, [{
  title: `Memory per idle connection (growth from ${warmCount} warm connections to ${warmCount} + N, each after forced full collections, on a fresh process), vs a bare server in the same run`,
  headers: ["connection", "N", "server RSS KB each", "bare RSS KB each", "ratio", "server JS heap KB each", "bare JS heap KB each", "server off-heap KB each", "bare off-heap KB each", "server RSS after MB", "bare RSS after MB"],
  rows: rows.map((r) => [r.kind, r.count, r.oursKB, r.bareKB, r.ratio, r.oursHeapKB, r.bareHeapKB, r.oursOffHeapKB, r.bareOffHeapKB, r.oursRssAfterMB, r.bareRssAfterMB])
}], figures, [
  `Server on ${databaseUrl === undefined ? "PGlite" : "PostgreSQL"}. SSE streams all follow one visitor's conversation feed (a hub subscription, a heartbeat each); sockets are visitors with their own token.`,
  "Every process (server and bare) runs with the same node flags (`--inspect=127.0.0.1:0`); a reading is the lowest RSS of three, each right after two full collections forced over the inspector (`HeapProfiler.collectGarbage`). JS heap is `heapUsed`; off-heap is RSS minus the JS heap's reserved pages (socket buffers, native objects, malloc)."
])
