/**
 * Idle connections (issue 9, figure 3): the server's RSS per idle SSE stream (a visitor's live
 * feed, `GET /api/conversations/:id/events`) and per idle Socket.io socket (`/visitor`), at 1,000
 * and 5,000, each against a bare baseline in the same run (a plain node:http server holding SSE
 * responses; a bare socket.io server). Connections come from a load-generator process; RSS is the
 * lowest of a few readings (a collection in between is not memory in use).
 * Run: npm run build && npm run bench:idle. Writes bench/results/idle.{json,md}.
 */
import { mkdtempSync, rmSync } from "node:fs"
import * as os from "node:os"
import { join } from "node:path"
import { benchDatabase } from "./support/database.js"
import { holdIdle } from "./support/load.js"
import { benchSecret, nextPort, requireBuild, root, serverEnv, settledRss, startProcess, startServer, stopProcess, waitFor } from "./support/processes.js"
import { type Figure, write } from "./support/results.js"
import { ratio, round } from "./support/stats.js"

requireBuild()
const counts = (process.env.BENCH_IDLE_COUNTS ?? "1000,5000").split(",").map(Number)

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

const startBare = async (source: string) => {
  const port = nextPort()
  const p = startProcess(["--input-type=module", "-e", source], { PORT: String(port) })
  await waitFor(p, /listening/)
  return { ...p, url: `http://127.0.0.1:${port}`, pid: p.child.pid! }
}

/** RSS growth per connection from `warm` connections to `warm + count`. */
const perConnection = async (pid: number, open: (count: number, tag: string) => Promise<{ open: number; close: () => Promise<void> }>, count: number) => {
  // Open and close N first: the heap grows to its working size before the measure, not during it.
  await (await open(count, `prime-${count}`)).close()
  const warm = await open(200, `warm-${count}`)
  const before = await settledRss(pid, 6, 400)
  const held = await open(count, `n-${count}`)
  const after = await settledRss(pid, 6, 400)
  await held.close()
  await warm.close()
  return { count: held.open, rssBeforeMB: round(before / 1e6, 1), rssAfterMB: round(after / 1e6, 1), bytesPerConnection: Math.round((after - before) / held.open) }
}

const dataDir = mkdtempSync(join(os.tmpdir(), "bench-idle-"))
// On PostgreSQL when one answers (production's setup): PGlite's WebAssembly heap would dwarf the figure.
const databaseUrl = await benchDatabase("chatbot_bench_idle")
const server = await startServer(serverEnv(nextPort(), dataDir, { SSE_HEARTBEAT: "15", ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }) }))
const rows: Array<{ kind: string; count: number; oursKB: number; bareKB: number; ratio: number | null; oursRssAfterMB: number; bareRssAfterMB: number }> = []
try {
  const chat = await fetch(`${server.url}/api/coze/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ shopId: "bench", userId: "idle-visitor", message: "Hello" }) })
  const conversationId = ((await chat.json()) as { conversationId: string }).conversationId
  const feed = `/api/conversations/${conversationId}/events?shopId=bench&userId=idle-visitor`
  const sseBare = await startBare(bareSse)
  const socketBare = await startBare(bareSocket)
  try {
    for (const count of counts) {
      const ours = await perConnection(server.pid, (n) => holdIdle({ mode: "idle-sse", url: server.url, path: feed, count: n }), count)
      const bare = await perConnection(sseBare.pid, (n) => holdIdle({ mode: "idle-sse", url: sseBare.url, path: "/", count: n }), count)
      rows.push({ kind: "SSE stream", count, oursKB: round(ours.bytesPerConnection / 1024, 1), bareKB: round(bare.bytesPerConnection / 1024, 1), ratio: ratio(ours.bytesPerConnection, bare.bytesPerConnection), oursRssAfterMB: ours.rssAfterMB, bareRssAfterMB: bare.rssAfterMB })
      console.log(rows.at(-1))
      const oursS = await perConnection(server.pid, (n, tag) => holdIdle({ mode: "idle-socket", url: server.url, count: n, secret: benchSecret, tag }), count)
      const bareS = await perConnection(socketBare.pid, (n, tag) => holdIdle({ mode: "idle-socket", url: socketBare.url, count: n, secret: benchSecret, tag }), count)
      rows.push({ kind: "Socket.io socket", count, oursKB: round(oursS.bytesPerConnection / 1024, 1), bareKB: round(bareS.bytesPerConnection / 1024, 1), ratio: ratio(oursS.bytesPerConnection, bareS.bytesPerConnection), oursRssAfterMB: oursS.rssAfterMB, bareRssAfterMB: bareS.rssAfterMB })
      console.log(rows.at(-1))
    }
  } finally {
    await stopProcess(sseBare.child)
    await stopProcess(socketBare.child)
  }
} finally {
  await stopProcess(server.child)
  rmSync(dataDir, { recursive: true, force: true })
}

const figures: Array<Figure> = rows.map((r) => ({
  figure: `idle: RSS per idle ${r.kind} at ${r.count}`,
  value: `${r.oursKB} KB`,
  baseline: `${r.bareKB} KB (bare ${r.kind === "SSE stream" ? "node:http SSE" : "socket.io"})`,
  ratio: r.ratio,
  target: r.kind === "Socket.io socket" ? "< 30 KB (issue 6)" : "–",
  // RSS that did not grow (a collection during the measure) gives no verdict either way.
  met: r.kind === "Socket.io socket" && r.oursKB > 0 ? r.oursKB < 30 : null
}))
write(root, "idle", "npm run bench:idle", { counts, database: databaseUrl === undefined ? "PGlite" : "PostgreSQL", rows }, [{
  title: "Server RSS per idle connection (growth from 200 warm connections to 200 + N), vs a bare server in the same run",
  headers: ["connection", "N", "server KB each", "bare KB each", "ratio", "server RSS after MB", "bare RSS after MB"],
  rows: rows.map((r) => [r.kind, r.count, r.oursKB, r.bareKB, r.ratio, r.oursRssAfterMB, r.bareRssAfterMB])
}], figures, [`Server on ${databaseUrl === undefined ? "PGlite" : "PostgreSQL"}. SSE streams all follow one visitor's conversation feed (a hub subscription, a heartbeat each); sockets are visitors with their own token.`])
