/**
 * Realtime over Socket.io (issue 6): token events per second delivered to visitors, against a bare
 * socket.io 4.8 server (no auth, no domain, no store: an emit loop, bench/support/bareSocketServer.ts)
 * sending the same number of events of the same shape in the same run; and the fan-out of one reply
 * to 50 agents watching it. Our server runs compiled, in Coze mode against the simulator (unpaced),
 * on PostgreSQL when one answers (else PGlite): every reply opens a conversation and is stored.
 * Two reply lengths: a long answer (~230 deltas, a product comparison's worth; the figure of the
 * target, since it measures the cost per event) and a short one (~22 deltas, where the turn's own
 * cost, its four writes and the upstream request, dominates). Idle sockets are measured by bench/idle.ts.
 * Load comes from separate processes (bench/support/loadWorker.ts). Run: npm run build && npm run bench:realtime.
 * Writes bench/results/realtime.{json,md}.
 */
import { Effect, Redacted } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import * as os from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { io, type Socket } from "socket.io-client"
import * as VisitorTokens from "../packages/adapters/src/koa/VisitorTokens.js"
import { Ids } from "../packages/domain/src/index.js"
import { benchDatabase } from "./support/database.js"
import { runStreams, type StreamsResult } from "./support/load.js"
import { benchSecret, nextPort, requireBuild, root, serverEnv, startProcess, startServer, stopProcess, waitFor } from "./support/processes.js"
import { type Figure, type Table, write } from "./support/results.js"
import { startSim } from "./support/sim.js"
import { round } from "./support/stats.js"

requireBuild()
const clients = 20
const rounds = Number(process.env.BENCH_REALTIME_ROUNDS ?? 5)
const message = "Which running shoes do you recommend?"
const admin = { email: "bench@shop.example", password: "bench-password-123" }

const rate = (r: StreamsResult) => ({
  replies: r.streams,
  errors: r.errors,
  deltas: r.tokens,
  deltasPerReply: r.streams === 0 ? 0 : round(r.tokens / r.streams, 1),
  seconds: round(r.elapsedMs / 1000),
  deltasPerSecond: Math.round(r.tokens / (r.elapsedMs / 1000)),
  repliesPerSecond: round(r.streams / (r.elapsedMs / 1000), 1),
  firstError: r.firstError
})
type Rate = ReturnType<typeof rate>

const startBare = async (tokens: number) => {
  const p = startProcess(["--conditions=source", "--import", "tsx", join(root, "bench/support/bareSocketServer.ts")], { BARE_TOKENS: String(tokens), BARE_TOKEN_TEXT: "Thanks " })
  const url = (await waitFor(p, /listening on (http:\/\/\S+)/))[1]!
  return { ...p, url }
}

const streams = (transport: "socketio" | "sse", url: string, tag: string) =>
  runStreams({ mode: "streams", transport, url, concurrency: clients, rounds, timeLimitMs: 120_000, message, tag, secret: benchSecret }).then(rate)

const connect = (url: string, auth: Record<string, unknown>, nsp: string) =>
  new Promise<Socket>((resolve, reject) => {
    const s = io(`${url}${nsp}`, { auth, transports: ["websocket"], forceNew: true, reconnection: false })
    s.once("connect", () => resolve(s))
    s.once("connect_error", reject)
  })

/** Deltas/s delivered to `agents` sockets while `ask` plays `replies` replies one after another. */
const fanOut = async (agents: ReadonlyArray<Socket>, replies: number, ask: (r: number) => Promise<unknown>) => {
  let deltas = 0
  const t0 = performance.now()
  for (let r = 0; r < replies; r++) {
    const all = Promise.all(agents.map((a) => new Promise<void>((resolve) => {
      const on = (e: { _tag: string }) => { if (e._tag === "delta") deltas++; if (e._tag === "done") { a.off("chat:event", on); resolve() } }
      a.on("chat:event", on)
    })))
    await ask(r)
    await all
  }
  const seconds = (performance.now() - t0) / 1000
  return { replies, deltas, seconds: round(seconds), deltasPerSecond: Math.round(deltas / seconds) }
}

const sim = await startSim()
await sim.pace(null)
const databaseUrl = await benchDatabase("chatbot_bench_realtime", { fresh: true })
const database = databaseUrl === undefined ? "PGlite" : "PostgreSQL"
const dataDir = mkdtempSync(join(os.tmpdir(), "bench-realtime-"))
const serverOf = (bot: "long" | "plain") =>
  startServer(serverEnv(nextPort(), dataDir, {
    ...sim.env(bot), ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }), ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password
  }))

const rows: Array<{ reply: string; ours: Rate; sse: Rate; bare: Rate; ratio: number }> = []
let fan: { watchers: number; ours: Awaited<ReturnType<typeof fanOut>>; bare: Awaited<ReturnType<typeof fanOut>>; ratio: number } | undefined
try {
  for (const bot of ["long", "plain"] as const) {
    const server = await serverOf(bot)
    try {
      await streams("socketio", server.url, `warm-${bot}`)
      const ours = await streams("socketio", server.url, `io-${bot}`)
      const sse = await streams("sse", server.url, `sse-${bot}`)
      const bare = await startBare(Math.round(ours.deltasPerReply))
      const bareRate = await streams("socketio", bare.url, `bare-${bot}`).finally(() => stopProcess(bare.child))
      rows.push({ reply: bot === "long" ? "long answer" : "short answer", ours, sse, bare: bareRate, ratio: round(ours.deltasPerSecond / bareRate.deltasPerSecond, 3) })
      console.log(`${bot}: ours ${ours.deltasPerSecond} deltas/s (SSE ${sse.deltasPerSecond}), bare ${bareRate.deltasPerSecond}`)

      if (bot === "plain") {
        const watchers = 50
        const login = await fetch(`${server.url}/api/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(admin) })
        const adminToken = ((await login.json()) as { token: string }).token
        const visitorToken = await Effect.runPromise(VisitorTokens.make({ secret: Redacted.make(benchSecret), ttl: "1 day" }).issue({ shopId: Ids.ShopId.make("bench"), visitorId: Ids.VisitorId.make("vt-fan") }))
        const asker = await connect(server.url, { token: visitorToken.token }, "/visitor")
        const played = (s: Socket) => new Promise<void>((resolve) => { const on = (e: { _tag: string }) => { if (e._tag === "done") { s.off("chat:event", on); resolve() } }; s.on("chat:event", on) })
        const first = played(asker)
        const opened = (await asker.emitWithAck("message:send", { text: message, clientMessageId: "fan-0" })) as { conversationId: string }
        await first
        const agents = await Promise.all(Array.from({ length: watchers }, () => connect(server.url, { token: adminToken }, "/agent")))
        await Promise.all(agents.map((a) => a.emitWithAck("watch", { conversationId: opened.conversationId })))
        const oursFan = await fanOut(agents, 10, (r) => asker.emitWithAck("message:send", { text: message, clientMessageId: `fan-${r + 1}`, conversationId: opened.conversationId }))
        const bare = await startBare(Math.round(ours.deltasPerReply))
        try {
          const bareAgents = await Promise.all(Array.from({ length: watchers }, () => connect(bare.url, {}, "/agent")))
          const bareAsker = await connect(bare.url, {}, "/visitor")
          const bareFan = await fanOut(bareAgents, 10, () => bareAsker.emitWithAck("broadcast", {}))
          for (const s of [...bareAgents, bareAsker]) s.close()
          fan = { watchers, ours: oursFan, bare: bareFan, ratio: round(oursFan.deltasPerSecond / bareFan.deltasPerSecond, 3) }
        } finally {
          await stopProcess(bare.child)
        }
        for (const s of [...agents, asker]) s.close()
      }
    } finally {
      await stopProcess(server.child)
    }
  }
} finally {
  await sim.stop()
  rmSync(dataDir, { recursive: true, force: true })
}

const long = rows.find((r) => r.reply === "long answer")!
const short = rows.find((r) => r.reply === "short answer")!
const figures: Array<Figure> = [
  {
    figure: `realtime: token events/s to visitors, long answers (${long.ours.deltasPerReply} deltas), Socket.io, ${database}`,
    value: String(long.ours.deltasPerSecond), baseline: `${long.bare.deltasPerSecond} (bare socket.io emit loop)`, ratio: long.ratio,
    target: "≥ 0.7 × bare", met: long.ours.errors === 0 && long.ratio >= 0.7
  },
  {
    figure: `realtime: token events/s to visitors, short answers (${short.ours.deltasPerReply} deltas), Socket.io, ${database}`,
    value: `${short.ours.deltasPerSecond} (${short.ours.repliesPerSecond} replies/s)`, baseline: `${short.bare.deltasPerSecond} (bare socket.io emit loop)`, ratio: short.ratio,
    target: "–", met: null
  },
  ...(fan === undefined ? [] : [{
    figure: `realtime: fan-out of a reply to ${fan.watchers} watching agents, deltas/s`, value: String(fan.ours.deltasPerSecond),
    baseline: `${fan.bare.deltasPerSecond} (bare socket.io room)`, ratio: fan.ratio, target: "–", met: null
  }])
]
const tables: Array<Table> = [
  {
    title: `Token events delivered: ${clients} visitors, ${rounds} replies each, one after another (Coze mode, simulator unpaced, ${database})`,
    headers: ["reply", "server", "replies", "errors", "deltas/reply", "seconds", "deltas/s", "replies/s", "ratio to bare"],
    rows: rows.flatMap((r) => [
      [r.reply, "chatbot-node, Socket.io /visitor", r.ours.replies, r.ours.errors, r.ours.deltasPerReply, r.ours.seconds, r.ours.deltasPerSecond, r.ours.repliesPerSecond, r.ratio],
      [r.reply, "chatbot-node, SSE POST /api/coze/chat/stream", r.sse.replies, r.sse.errors, r.sse.deltasPerReply, r.sse.seconds, r.sse.deltasPerSecond, r.sse.repliesPerSecond, round(r.sse.deltasPerSecond / r.bare.deltasPerSecond, 3)],
      [r.reply, "bare socket.io (emit loop)", r.bare.replies, r.bare.errors, r.bare.deltasPerReply, r.bare.seconds, r.bare.deltasPerSecond, r.bare.repliesPerSecond, 1]
    ])
  },
  ...(fan === undefined ? [] : [{
    title: `Fan-out: one visitor's short replies watched live by ${fan.watchers} agents (/agent namespace, the realtime hub)`,
    headers: ["server", "replies", "deltas delivered", "seconds", "deltas/s"],
    rows: [["chatbot-node", fan.ours.replies, fan.ours.deltas, fan.ours.seconds, fan.ours.deltasPerSecond], ["bare socket.io, one room", fan.bare.replies, fan.bare.deltas, fan.bare.seconds, fan.bare.deltasPerSecond]]
  }])
]
write(root, "realtime", "npm run bench:realtime", { clients, rounds, database, rows, fanOut: fan }, tables, figures, [
  `Target (token events/s ≥ 0.7 × bare socket.io): long answers ${long.ratio} → ${long.ratio >= 0.7 ? "met" : "not met"}; short answers ${short.ratio} (each reply's fixed cost, a new conversation with four writes and an upstream request, is spread over ${short.ours.deltasPerReply} deltas).`,
  "Server, simulator, bare server and load generators are separate processes sharing this machine's two cores; the bare server's events are the same shapes and counts as ours."
])
process.exit(0)
